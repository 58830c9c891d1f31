import { featuredProducts, listCategories, productBySlug, productsInCategory, searchProducts } from '../data/catalog';
import { pageNotFound } from '../errors';
import { sendPage } from '../http';
import { CategoryPage, HomePage, ProductPage, SearchPage } from '../pages/catalog';
import { noticeOf } from '../pages/common';
import { page, param, queryString, type RouteDeps } from './define';

const SLUG = /^[a-z0-9-]{1,120}$/;

export function registerCatalogRoutes(deps: RouteDeps): void {
  const { ctx } = deps;
  const home = async (...[request, reply, state]: Parameters<Parameters<typeof page>[3]>) => {
    const [categories, featured] = await Promise.all([
      listCategories(ctx.db, state.store.currency),
      featuredProducts(ctx.db, state.store.currency),
    ]);
    return sendPage(ctx, request, reply, {
      title: 'Home',
      body: (chrome) => <HomePage chrome={chrome} categories={categories} featured={featured} />,
    });
  };
  page(deps, '', 'public', home);
  page(deps, '/', 'public', home);

  page(deps, '/category/:slug', 'public', async (request, reply, state) => {
    const slug = param(request, 'slug');
    const found = SLUG.test(slug) ? await productsInCategory(ctx.db, state.store.currency, slug) : null;
    if (!found) throw pageNotFound('There is no such category in this store.');
    return sendPage(ctx, request, reply, {
      title: found.name,
      body: (chrome) => <CategoryPage chrome={chrome} name={found.name} products={found.products} />,
    });
  });

  page(deps, '/product/:slug', 'public', async (request, reply, state) => {
    const slug = param(request, 'slug');
    const product = SLUG.test(slug) ? await productBySlug(ctx.db, state.store.currency, slug) : null;
    if (!product) throw pageNotFound('This product does not exist in this store.');
    return sendPage(ctx, request, reply, {
      title: product.name,
      body: (chrome) => <ProductPage chrome={chrome} product={product} notice={noticeOf(request.query)} />,
    });
  });

  page(deps, '/search', 'public', async (request, reply, state) => {
    const query = (queryString(request, 'q') ?? '').trim().slice(0, 100);
    const products = await searchProducts(ctx.db, state.store.currency, query);
    return sendPage(ctx, request, reply, {
      title: query ? `Search: ${query}` : 'Search',
      body: (chrome) => <SearchPage chrome={chrome} query={query} products={products} />,
    });
  });
}

import { href, Money, type Chrome } from '../layout';
import type { Product } from '../data/catalog';
import { MAX_QUANTITY } from '../data/cart';
import { ActionForm, Submit } from './action-form';
import { Notice, ProductGrid } from './common';

export function HomePage({
  chrome,
  categories,
  featured,
}: {
  chrome: Chrome;
  categories: { name: string; slug: string; count: number }[];
  featured: Product[];
}) {
  const { viewer, store } = chrome;
  return (
    <>
      <h1>{viewer.kind === 'anonymous' ? `Welcome to ${store.name}` : `Welcome back, ${viewer.customer.firstName}`}</h1>
      <h2>Shop by category</h2>
      <ul className="chips">
        {categories.map((c) => (
          <li key={c.slug}>
            <a href={href(store, `/category/${c.slug}`)}>
              {c.name} <span className="muted">({c.count})</span>
            </a>
          </li>
        ))}
      </ul>
      <h2>Popular right now</h2>
      <ProductGrid chrome={chrome} products={featured} empty="No products in this store yet." />
    </>
  );
}

export function CategoryPage({ chrome, name, products }: { chrome: Chrome; name: string; products: Product[] }) {
  return (
    <>
      <p className="muted">
        <a href={href(chrome.store)}>Home</a> › {name}
      </p>
      <h1>{name}</h1>
      <ProductGrid chrome={chrome} products={products} empty="Nothing in this category yet." />
    </>
  );
}

export function SearchPage({ chrome, query, products }: { chrome: Chrome; query: string; products: Product[] }) {
  return (
    <>
      <h1>{query ? `Results for “${query}”` : 'Search'}</h1>
      <form method="get" action={href(chrome.store, '/search')} className="row form">
        <div>
          <label htmlFor="q">Search products</label>
          <input id="q" type="search" name="q" defaultValue={query} maxLength={100} />
        </div>
        <div>
          <button type="submit">Search</button>
        </div>
      </form>
      <h2>{products.length === 1 ? '1 product' : `${products.length} products`}</h2>
      <ProductGrid
        chrome={chrome}
        products={products}
        empty={query ? 'No products match your search.' : 'Type what you are looking for.'}
      />
    </>
  );
}

export function ProductPage({
  chrome,
  product,
  notice,
}: {
  chrome: Chrome;
  product: Product;
  notice: string | undefined;
}) {
  const { store } = chrome;
  return (
    <>
      <Notice notice={notice} />
      <p className="muted">
        <a href={href(store)}>Home</a> ›{' '}
        <a href={href(store, `/category/${product.categorySlug}`)}>{product.category}</a>
      </p>
      <div className="layout">
        <div className="card product">
          <div className="thumb" aria-hidden="true">
            {product.name.slice(0, 1).toUpperCase()}
          </div>
        </div>
        <div>
          <h1>{product.name}</h1>
          <p>{product.priceCents !== null ? <Money cents={product.priceCents} store={store} /> : null}</p>
          <p>{product.description}</p>
          <p className="muted">
            SKU {product.sku} · {product.stock > 0 ? `${product.stock} in stock` : 'Out of stock'}
          </p>
          {product.stock > 0 && chrome.viewer.kind === 'anonymous' ? (
            <p>
              <a
                className="button"
                href={`${href(store, '/signin')}?next=${encodeURIComponent(href(store, `/product/${product.slug}`))}`}
              >
                Sign in to buy
              </a>
            </p>
          ) : product.stock > 0 ? (
            <ActionForm chrome={chrome} action="/cart/add" scope="shopping" className="row form">
              <input type="hidden" name="productId" value={product.id} />
              <div>
                <label htmlFor="quantity">Quantity</label>
                <input
                  id="quantity"
                  type="number"
                  name="quantity"
                  defaultValue="1"
                  min="1"
                  max={String(Math.min(MAX_QUANTITY, product.stock))}
                />
              </div>
              <div>
                <Submit testId="add-to-cart">Add to cart</Submit>
              </div>
            </ActionForm>
          ) : null}
        </div>
      </div>
    </>
  );
}

import type { Queryable } from '../db/database';

export interface CatalogProduct {
  id: string;
  sku: string;
  slug: string;
  name: string;
  description: string;
  category: string;
  /** Cents per store currency. */
  prices: { USD: number; EUR: number };
}

type Row = readonly [name: string, usdCents: number, description: string];

const CATEGORIES: readonly { category: string; code: string; items: readonly Row[] }[] = [
  {
    category: 'Coffee',
    code: 'COF',
    items: [
      ['House Blend Beans', 1499, 'Medium roast, chocolate and hazelnut, 340 g.'],
      ['Single Origin Ethiopia', 1899, 'Light roast with jasmine and bergamot, 250 g.'],
      ['Espresso Roast', 1599, 'Dark and syrupy, made for the espresso machine, 340 g.'],
      ['Decaf Colombia', 1399, 'Swiss-water decaf with caramel notes, 340 g.'],
      ['Cold Brew Pack', 1299, 'Coarse ground, four pitcher packs.'],
      ['Sampler Box', 2999, "Four 100 g bags from this month's roasts."],
    ],
  },
  {
    category: 'Brewing',
    code: 'BRW',
    items: [
      ['Pour-Over Dripper', 2499, 'Ceramic cone dripper, size 02.'],
      ['Paper Filters (100)', 699, 'Unbleached filters for the size 02 dripper.'],
      ['French Press 1 L', 3499, 'Borosilicate glass with a steel frame.'],
      ['Burr Grinder', 12999, 'Conical burrs, 40 grind settings.'],
      ['Gooseneck Kettle', 5999, 'Electric, holds temperature to the degree.'],
      ['Digital Scale', 2999, 'Weighs to 0.1 g, with a brew timer.'],
    ],
  },
  {
    category: 'Tea',
    code: 'TEA',
    items: [
      ['Earl Grey', 999, 'Black tea with bergamot, 100 g loose leaf.'],
      ['Sencha', 1199, 'Steamed Japanese green tea, 100 g.'],
      ['Chamomile', 899, 'Whole flowers, caffeine free, 50 g.'],
      ['Masala Chai', 1099, 'Assam with cardamom, ginger and clove, 100 g.'],
      ['Oolong', 1499, 'Roasted Taiwanese oolong, 100 g.'],
      ['Teapot Infuser', 2799, 'Glass teapot with a steel infuser, 800 ml.'],
    ],
  },
  {
    category: 'Mugs',
    code: 'MUG',
    items: [
      ['Stoneware Mug', 1599, 'Hand-glazed, 350 ml.'],
      ['Travel Tumbler', 2499, 'Double-walled steel, keeps drinks hot for 6 hours.'],
      ['Espresso Cups (2)', 1899, 'Porcelain cups with saucers, 80 ml.'],
      ['Glass Mug', 1299, 'Double-walled glass, 250 ml.'],
      ['Latte Bowl', 1799, 'Wide stoneware bowl, 400 ml.'],
      ['Mug Gift Set', 3999, 'Two stoneware mugs and a bag of house blend.'],
    ],
  },
];

const slugify = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** EUR prices follow USD at a fixed demo rate, rounded to end in 9 like shop prices do. */
const toEur = (usd: number) => Math.max(99, Math.round((usd * 0.92) / 100) * 100 - 1);

/** The demo shop's products: 24 in 4 categories, priced for both stores. */
export const CATALOG: readonly CatalogProduct[] = CATEGORIES.flatMap(({ category, code, items }) =>
  items.map(([name, usd, description], index) => {
    const n = String(index + 1).padStart(2, '0');
    return {
      id: `prd_${code.toLowerCase()}_${n}`,
      sku: `${code}-${n}`,
      slug: slugify(name),
      name,
      description,
      category,
      prices: { USD: usd, EUR: toEur(usd) },
    };
  }),
);

export async function seedCatalog(db: Queryable): Promise<void> {
  for (const p of CATALOG) {
    await db.query(
      `INSERT INTO products (id, sku, slug, name, description, category, prices) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING`,
      [p.id, p.sku, p.slug, p.name, p.description, p.category, JSON.stringify(p.prices)],
    );
  }
}

/**
 * Concierge demo data for a fresh, migrated Medusa database:
 *   npx medusa exec ./src/scripts/seed.ts
 *
 * Everything goes through Medusa's workflows and module services (no SQL). A second run finds
 * agent@demo.test and stops without changes. Notes: src/scripts/README-seed.md.
 */
import { createHmac } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  ApiKeyDTO,
  CreateOrderAddressDTO,
  CustomerDTO,
  ExecArgs,
  IAuthModuleService,
  Logger,
  MedusaContainer,
  OrderDTO,
  ProductDTO,
  RegionDTO,
  SalesChannelDTO,
  StockLocationDTO,
  UserDTO,
} from '@medusajs/framework/types';
import { ContainerRegistrationKeys, Modules, ProductStatus } from '@medusajs/framework/utils';
import {
  createApiKeysWorkflow,
  createCustomerAccountWorkflow,
  createInventoryLevelsWorkflow,
  createLinksWorkflow,
  createOrderWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createShippingOptionsWorkflow,
  createStockLocationsWorkflow,
  createTaxRegionsWorkflow,
  createUserAccountWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateStoresWorkflow,
} from '@medusajs/medusa/core-flows';

// ---------------------------------------------------------------------------------------------
// The demo data
// ---------------------------------------------------------------------------------------------

const PASSWORD = 'concierge-demo';
const DEFAULT_STAFF_FILE = '.data/staff.json';
/** Created last, so its presence means a previous run got through every step before the file. */
const SEEDED_MARKER_EMAIL = 'agent@demo.test';

type StoreCode = 'us' | 'eu';
type StaffRole = 'agent' | 'supervisor' | 'admin' | 'trainee';

interface StoreSpec {
  code: StoreCode;
  channelName: string;
  regionName: string;
  currency: 'usd' | 'eur';
  countries: string[];
}

const STORES: readonly StoreSpec[] = [
  { code: 'us', channelName: 'US Store', regionName: 'United States', currency: 'usd', countries: ['us'] },
  { code: 'eu', channelName: 'EU Store', regionName: 'Europe', currency: 'eur', countries: ['de', 'fr'] },
];

interface ProductSpec {
  title: string;
  handle: string;
  sku: string;
  description: string;
  /** Major units (Medusa v2 stores amounts as given, not in cents). */
  usd: number;
  eur: number;
}

const PRODUCTS: readonly ProductSpec[] = [
  {
    title: 'Earl Grey',
    handle: 'earl-grey',
    sku: 'TEA-EARL-GREY',
    description: 'Black tea with bergamot, 100 g loose leaf.',
    usd: 9.99,
    eur: 9.49,
  },
  {
    title: 'Sencha',
    handle: 'sencha',
    sku: 'TEA-SENCHA',
    description: 'Steamed Japanese green tea, 100 g.',
    usd: 11.99,
    eur: 10.99,
  },
  {
    title: 'Masala Chai',
    handle: 'masala-chai',
    sku: 'TEA-MASALA-CHAI',
    description: 'Assam with cardamom, ginger and clove, 100 g.',
    usd: 10.99,
    eur: 9.99,
  },
  {
    title: 'House Blend Beans',
    handle: 'house-blend-beans',
    sku: 'COF-HOUSE-BLEND',
    description: 'Medium roast, chocolate and hazelnut, 340 g.',
    usd: 14.99,
    eur: 13.99,
  },
  {
    title: 'Single Origin Ethiopia',
    handle: 'single-origin-ethiopia',
    sku: 'COF-ETHIOPIA',
    description: 'Light roast with jasmine and bergamot, 250 g.',
    usd: 18.99,
    eur: 17.49,
  },
  {
    title: 'Espresso Roast',
    handle: 'espresso-roast',
    sku: 'COF-ESPRESSO',
    description: 'Dark and syrupy, made for the espresso machine, 340 g.',
    usd: 15.99,
    eur: 14.99,
  },
];

const STOCKED_QUANTITY = 500;
const SHIPPING_AMOUNT = 5;

/** What the Concierge plugin reads from `customer.metadata.concierge_consent`. */
interface ConsentMetadata {
  status: 'granted' | 'not_granted' | 'expired';
  granted_at: string | null;
  expires_at: string | null;
}

interface CustomerSpec {
  key: 'jane' | 'john' | 'maria' | 'liam' | 'priya';
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  consent: (now: Date) => ConsentMetadata | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const daysFrom = (now: Date, days: number): string => new Date(now.getTime() + days * DAY_MS).toISOString();

const CUSTOMERS: readonly CustomerSpec[] = [
  {
    key: 'jane',
    first_name: 'Jane',
    last_name: 'Smith',
    email: 'jane.smith@example.com',
    phone: '+1 555 0100',
    consent: (now) => ({ status: 'granted', granted_at: now.toISOString(), expires_at: null }),
  },
  {
    key: 'john',
    first_name: 'John',
    last_name: 'Doe',
    email: 'john.doe@example.com',
    phone: '+1 555 0101',
    consent: () => undefined,
  },
  {
    key: 'maria',
    first_name: 'Maria',
    last_name: 'Garcia',
    email: 'maria.garcia@example.com',
    phone: '+1 555 0102',
    consent: (now) => ({ status: 'granted', granted_at: daysFrom(now, -30), expires_at: daysFrom(now, 60) }),
  },
  {
    key: 'liam',
    first_name: 'Liam',
    last_name: 'Chen',
    email: 'liam.chen@example.com',
    phone: '+1 555 0103',
    consent: (now) => ({ status: 'expired', granted_at: daysFrom(now, -120), expires_at: daysFrom(now, -30) }),
  },
  {
    key: 'priya',
    first_name: 'Priya',
    last_name: 'Patel',
    email: 'priya.patel@example.com',
    phone: '+1 555 0104',
    consent: () => ({ status: 'not_granted', granted_at: null, expires_at: null }),
  },
];

interface OrderSpec {
  customer: CustomerSpec['key'];
  store: StoreCode;
  lines: { sku: string; quantity: number }[];
  address: Omit<CreateOrderAddressDTO, 'first_name' | 'last_name' | 'phone'>;
}

const ORDERS: readonly OrderSpec[] = [
  {
    customer: 'jane',
    store: 'us',
    lines: [
      { sku: 'TEA-EARL-GREY', quantity: 2 },
      { sku: 'COF-HOUSE-BLEND', quantity: 1 },
    ],
    address: {
      address_1: '12 Main Street',
      city: 'Springfield',
      province: 'IL',
      postal_code: '62701',
      country_code: 'us',
    },
  },
  {
    customer: 'jane',
    store: 'eu',
    lines: [
      { sku: 'TEA-SENCHA', quantity: 1 },
      { sku: 'COF-ESPRESSO', quantity: 2 },
    ],
    address: { address_1: 'Torstraße 5', city: 'Berlin', postal_code: '10119', country_code: 'de' },
  },
  {
    customer: 'john',
    store: 'us',
    lines: [{ sku: 'COF-ETHIOPIA', quantity: 1 }],
    address: {
      address_1: '400 Oak Avenue',
      city: 'Portland',
      province: 'OR',
      postal_code: '97204',
      country_code: 'us',
    },
  },
  {
    customer: 'maria',
    store: 'eu',
    lines: [{ sku: 'TEA-MASALA-CHAI', quantity: 3 }],
    address: { address_1: '8 rue de Rivoli', city: 'Paris', postal_code: '75004', country_code: 'fr' },
  },
];

interface StaffSpec {
  role: StaffRole;
  email: string;
  first_name: string;
  last_name: string;
}

/** In the staff file's order; the marker user is created last (see createStaff). */
const STAFF: readonly StaffSpec[] = [
  { role: 'agent', email: 'agent@demo.test', first_name: 'Alex', last_name: 'Agent' },
  { role: 'agent', email: 'agent2@demo.test', first_name: 'Blake', last_name: 'Agent' },
  { role: 'supervisor', email: 'supervisor@demo.test', first_name: 'Sam', last_name: 'Supervisor' },
  { role: 'admin', email: 'admin@demo.test', first_name: 'Ada', last_name: 'Admin' },
  { role: 'trainee', email: 'trainee@demo.test', first_name: 'Terry', last_name: 'Trainee' },
];

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

interface StoreSetup {
  spec: StoreSpec;
  region: RegionDTO;
  channel: SalesChannelDTO;
  apiKey: ApiKeyDTO;
}

export default async function seed({ container }: ExecArgs): Promise<void> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER);
  const startedAt = Date.now();

  if (await isAlreadySeeded(container)) {
    logger.info(
      `Concierge seed: already seeded (${SEEDED_MARKER_EMAIL} exists); nothing changed, staff file not rewritten.`,
    );
    return;
  }

  const regions = await createRegions(container);
  await createTaxRegions(container);
  const channels = await createSalesChannelsWithKeys(container);
  const stores: StoreSetup[] = STORES.map((spec) => ({
    spec,
    region: mustGet(regions, spec.code, 'region'),
    ...mustGet(channels, spec.code, 'sales channel'),
  }));
  const location = await createStockLocation(container, stores);
  const shippingProfileId = await defaultShippingProfileId(container);
  const shippingOptionIds = await createShipping(container, location, shippingProfileId, stores);
  await configureStore(container, stores, location);

  const products = await createProducts(container, shippingProfileId, stores);
  await stockInventory(container, location);

  const customers = await createCustomers(container);
  await verifyCustomerSignIns(container);
  const orders = await createOrders(container, stores, customers, shippingOptionIds);

  const staff = await createStaff(container);
  await verifyStaffSignIns(container, staff);
  const staffFile = await writeStaffFile(staff, customers);

  logSummary(logger, {
    stores,
    location,
    products,
    customers,
    orders,
    staff,
    staffFile,
    seconds: (Date.now() - startedAt) / 1000,
  });
}

async function isAlreadySeeded(container: MedusaContainer): Promise<boolean> {
  const users = await container.resolve(Modules.USER).listUsers({ email: SEEDED_MARKER_EMAIL });
  return users.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Store, regions, taxes, sales channels
// ---------------------------------------------------------------------------------------------

async function createRegions(container: MedusaContainer): Promise<Map<StoreCode, RegionDTO>> {
  const { result } = await createRegionsWorkflow(container).run({
    input: {
      regions: STORES.map((s) => ({
        name: s.regionName,
        currency_code: s.currency,
        countries: s.countries,
        // Medusa's built-in "system" payment provider, so carts in these regions can be paid.
        payment_providers: ['pp_system_default'],
      })),
    },
  });
  return byStoreCode(result, (region, spec) => region.name === spec.regionName);
}

async function createTaxRegions(container: MedusaContainer): Promise<void> {
  const countries = STORES.flatMap((s) => s.countries);
  // No rates: prices are shown as entered; the tax region only has to exist for cart tax lookups.
  await createTaxRegionsWorkflow(container).run({
    input: countries.map((country_code) => ({ country_code, provider_id: 'tp_system' })),
  });
}

/** Each store's sales channel with its own publishable key, whose token the plugin's storefront sends. */
async function createSalesChannelsWithKeys(
  container: MedusaContainer,
): Promise<Map<StoreCode, { channel: SalesChannelDTO; apiKey: ApiKeyDTO }>> {
  const { result: apiKeys } = await createApiKeysWorkflow(container).run({
    input: {
      api_keys: STORES.map((s) => ({
        title: `${s.channelName} storefront`,
        type: 'publishable' as const,
        created_by: '',
      })),
    },
  });
  const keyOf = byStoreCode(apiKeys, (key, spec) => key.title === `${spec.channelName} storefront`);

  const { result: channels } = await createSalesChannelsWorkflow(container).run({
    input: {
      salesChannelsData: STORES.map((s) => ({
        name: s.channelName,
        description: `Concierge demo store "${s.code}"`,
        metadata: {
          concierge_code: s.code,
          concierge_currency: s.currency.toUpperCase(),
          concierge_publishable_key: mustGet(keyOf, s.code, 'api key').token,
        },
      })),
    },
  });
  const channelOf = byStoreCode(channels, (channel, spec) => channel.name === spec.channelName);

  const out = new Map<StoreCode, { channel: SalesChannelDTO; apiKey: ApiKeyDTO }>();
  for (const spec of STORES) {
    const channel = mustGet(channelOf, spec.code, 'sales channel');
    const apiKey = mustGet(keyOf, spec.code, 'api key');
    await linkSalesChannelsToApiKeyWorkflow(container).run({ input: { id: apiKey.id, add: [channel.id] } });
    out.set(spec.code, { channel, apiKey });
  }
  return out;
}

async function configureStore(
  container: MedusaContainer,
  stores: StoreSetup[],
  location: StockLocationDTO,
): Promise<void> {
  // `medusa exec` boots with createDefaultsWorkflow, so a store (EUR only) already exists.
  const [store] = await container.resolve(Modules.STORE).listStores({}, { take: 1 });
  if (!store) throw new Error('No Medusa store found; the defaults workflow should have created one.');
  const us = mustFind(stores, (s) => s.spec.code === 'us', 'US store');
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        name: 'Concierge Demo',
        supported_currencies: [{ currency_code: 'usd', is_default: true }, { currency_code: 'eur' }],
        default_sales_channel_id: us.channel.id,
        default_region_id: us.region.id,
        default_location_id: location.id,
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Stock location, fulfillment and shipping
// ---------------------------------------------------------------------------------------------

async function createStockLocation(container: MedusaContainer, stores: StoreSetup[]): Promise<StockLocationDTO> {
  const { result } = await createStockLocationsWorkflow(container).run({
    input: {
      locations: [
        {
          name: 'Main Warehouse',
          address: { address_1: '1 Harbor Way', city: 'Newark', country_code: 'us', postal_code: '07102' },
        },
      ],
    },
  });
  const location = mustFind(result, () => true, 'stock location');
  // Orders and carts only see stock at locations linked to their sales channel.
  await linkSalesChannelsToStockLocationWorkflow(container).run({
    input: { id: location.id, add: stores.map((s) => s.channel.id) },
  });
  return location;
}

async function defaultShippingProfileId(container: MedusaContainer): Promise<string> {
  // The migrations create "Default Shipping Profile" (type default).
  const [profile] = await container.resolve(Modules.FULFILLMENT).listShippingProfiles({ type: 'default' });
  if (!profile) throw new Error('No default shipping profile; run `npx medusa db:migrate` first.');
  return profile.id;
}

/** One fulfillment set at the warehouse, one service zone and one flat shipping option per store. */
async function createShipping(
  container: MedusaContainer,
  location: StockLocationDTO,
  shippingProfileId: string,
  stores: StoreSetup[],
): Promise<Map<StoreCode, string>> {
  const fulfillmentSet = await container.resolve(Modules.FULFILLMENT).createFulfillmentSets({
    name: 'Main Warehouse shipping',
    type: 'shipping',
    service_zones: stores.map((s) => ({
      name: s.spec.regionName,
      geo_zones: s.spec.countries.map((country_code) => ({ type: 'country' as const, country_code })),
    })),
  });
  await createLinksWorkflow(container).run({
    input: [
      {
        [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
        [Modules.FULFILLMENT]: { fulfillment_provider_id: 'manual_manual' },
      },
      {
        [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
        [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
      },
    ],
  });

  const { result: options } = await createShippingOptionsWorkflow(container).run({
    input: stores.map((s) => ({
      name: `Standard Shipping (${s.spec.code.toUpperCase()})`,
      price_type: 'flat' as const,
      provider_id: 'manual_manual',
      service_zone_id: mustFind(fulfillmentSet.service_zones, (z) => z.name === s.spec.regionName, 'service zone').id,
      shipping_profile_id: shippingProfileId,
      type: { label: 'Standard', description: 'Ships in 2-3 days.', code: 'standard' },
      prices: [
        { currency_code: s.spec.currency, amount: SHIPPING_AMOUNT },
        { region_id: s.region.id, amount: SHIPPING_AMOUNT },
      ],
      rules: [
        { attribute: 'enabled_in_store', value: 'true', operator: 'eq' as const },
        { attribute: 'is_return', value: 'false', operator: 'eq' as const },
      ],
    })),
  });
  return byStoreCode(
    options,
    (option, spec) => option.name === `Standard Shipping (${spec.code.toUpperCase()})`,
    (o) => o.id,
  );
}

// ---------------------------------------------------------------------------------------------
// Catalog and inventory
// ---------------------------------------------------------------------------------------------

async function createProducts(
  container: MedusaContainer,
  shippingProfileId: string,
  stores: StoreSetup[],
): Promise<ProductDTO[]> {
  const { result } = await createProductsWorkflow(container).run({
    input: {
      products: PRODUCTS.map((p) => ({
        title: p.title,
        handle: p.handle,
        description: p.description,
        status: ProductStatus.PUBLISHED,
        shipping_profile_id: shippingProfileId,
        sales_channels: stores.map((s) => ({ id: s.channel.id })),
        options: [{ title: 'Pack', values: ['Standard'] }],
        variants: [
          {
            title: 'Standard',
            sku: p.sku,
            manage_inventory: true,
            options: { Pack: 'Standard' },
            prices: [
              { currency_code: 'usd', amount: p.usd },
              { currency_code: 'eur', amount: p.eur },
            ],
          },
        ],
      })),
    },
  });
  return result;
}

async function stockInventory(container: MedusaContainer, location: StockLocationDTO): Promise<void> {
  // createProductsWorkflow made one inventory item per managed variant, with the variant's SKU.
  const items = await container.resolve(Modules.INVENTORY).listInventoryItems({ sku: PRODUCTS.map((p) => p.sku) });
  if (items.length !== PRODUCTS.length)
    throw new Error(`Expected ${PRODUCTS.length} inventory items, found ${items.length}.`);
  await createInventoryLevelsWorkflow(container).run({
    input: {
      inventory_levels: items.map((item) => ({
        location_id: location.id,
        inventory_item_id: item.id,
        stocked_quantity: STOCKED_QUANTITY,
      })),
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Customers and orders
// ---------------------------------------------------------------------------------------------

type CustomersByKey = Map<CustomerSpec['key'], CustomerDTO>;

/** An emailpass identity per customer, then the customer account linked to it (has_account true). */
async function createCustomers(container: MedusaContainer): Promise<CustomersByKey> {
  const now = new Date();
  const out: CustomersByKey = new Map();
  for (const spec of CUSTOMERS) {
    const authIdentityId = await registerEmailPass(container, spec.email);
    const consent = spec.consent(now);
    const { result } = await createCustomerAccountWorkflow(container).run({
      input: {
        authIdentityId,
        customerData: {
          first_name: spec.first_name,
          last_name: spec.last_name,
          email: spec.email,
          phone: spec.phone,
          metadata: consent ? { concierge_consent: consent } : undefined,
        },
      },
    });
    out.set(spec.key, result);
  }
  return out;
}

async function createOrders(
  container: MedusaContainer,
  stores: StoreSetup[],
  customers: CustomersByKey,
  shippingOptionIds: Map<StoreCode, string>,
): Promise<OrderDTO[]> {
  const variantIdBySku = await variantIdsBySku(container);
  const orders: OrderDTO[] = [];
  for (const spec of ORDERS) {
    const store = mustFind(stores, (s) => s.spec.code === spec.store, `store ${spec.store}`);
    const customer = mustGet(customers, spec.customer, 'customer');
    const person = {
      first_name: customer.first_name ?? '',
      last_name: customer.last_name ?? '',
      phone: customer.phone ?? undefined,
    };
    const { result } = await createOrderWorkflow(container).run({
      input: {
        customer_id: customer.id,
        email: customer.email,
        sales_channel_id: store.channel.id,
        region_id: store.region.id,
        currency_code: store.spec.currency,
        shipping_address: { ...person, ...spec.address },
        billing_address: { ...person, ...spec.address },
        items: spec.lines.map((line) => {
          const product = mustFind(PRODUCTS, (p) => p.sku === line.sku, `product ${line.sku}`);
          return {
            title: product.title,
            variant_id: mustGet(variantIdBySku, line.sku, `variant ${line.sku}`),
            quantity: line.quantity,
            unit_price: product[store.spec.currency],
            // With both set, the workflow takes the price as given instead of recalculating it.
            is_tax_inclusive: false,
          };
        }),
        shipping_methods: [
          {
            name: 'Standard Shipping',
            amount: SHIPPING_AMOUNT,
            shipping_option_id: mustGet(shippingOptionIds, spec.store, 'shipping option'),
          },
        ],
      },
    });
    orders.push(result);
  }
  return orders;
}

async function variantIdsBySku(container: MedusaContainer): Promise<Map<string, string>> {
  const variants = await container.resolve(Modules.PRODUCT).listProductVariants({ sku: PRODUCTS.map((p) => p.sku) });
  return new Map(variants.flatMap((v) => (v.sku ? [[v.sku, v.id] as const] : [])));
}

// ---------------------------------------------------------------------------------------------
// Staff: admin users with a Concierge role and an enabled TOTP factor
// ---------------------------------------------------------------------------------------------

interface CreatedStaff {
  spec: StaffSpec;
  user: UserDTO;
  authIdentityId: string;
  totpSecret: string;
}

async function createStaff(container: MedusaContainer): Promise<CreatedStaff[]> {
  // The marker user goes last: if it exists, every other staff member does too.
  const ordered = [
    ...STAFF.filter((s) => s.email !== SEEDED_MARKER_EMAIL),
    ...STAFF.filter((s) => s.email === SEEDED_MARKER_EMAIL),
  ];
  const created: CreatedStaff[] = [];
  for (const spec of ordered) {
    const authIdentityId = await registerEmailPass(container, spec.email);
    const { result: user } = await createUserAccountWorkflow(container).run({
      input: {
        authIdentityId,
        userData: {
          email: spec.email,
          first_name: spec.first_name,
          last_name: spec.last_name,
          metadata: { concierge_role: spec.role },
        },
      },
    });
    const totpSecret = await enrolTotp(container, authIdentityId, spec.email);
    created.push({ spec, user, authIdentityId, totpSecret });
  }
  return STAFF.map((spec) => mustFind(created, (c) => c.spec.email === spec.email, spec.email));
}

/** Starts a TOTP factor and confirms it with a code computed from the secret, which enables it. */
async function enrolTotp(container: MedusaContainer, authIdentityId: string, label: string): Promise<string> {
  const auth = container.resolve(Modules.AUTH);
  const { mfa, secret } = await auth.startAuthMfa({
    auth_identity_id: authIdentityId,
    provider: 'totp',
    label,
    issuer: 'Concierge Demo',
  });
  if (!secret || !/^[A-Z2-7]+$/.test(secret)) throw new Error(`TOTP enrolment for ${label} returned no base32 secret.`);
  const factor = await auth.verifyAuthMfa({ id: mfa.id, code: totpCode(secret) });
  if (factor.status !== 'enabled') throw new Error(`TOTP factor for ${label} is ${factor.status}, not enabled.`);
  return secret;
}

/** Signs each staff member in the way a login does (password, then TOTP challenge) to prove the file's secrets. */
async function verifyStaffSignIns(container: MedusaContainer, staff: CreatedStaff[]): Promise<void> {
  const auth = container.resolve(Modules.AUTH);
  for (const member of staff) {
    const response = await authenticateEmailPass(auth, member.spec.email);
    const challenge = response.mfaChallenge;
    if (!challenge?.methods.includes('totp')) throw new Error(`${member.spec.email}: sign-in did not ask for TOTP.`);
    const done = await auth.verifyAuthMfaChallenge({
      id: challenge.id,
      method: 'totp',
      code: totpCode(member.totpSecret),
    });
    if (!done.completed_at) throw new Error(`${member.spec.email}: TOTP challenge was not completed.`);
  }
}

/** Each customer can sign in with the demo password (their emailpass identity works). */
async function verifyCustomerSignIns(container: MedusaContainer): Promise<void> {
  const auth = container.resolve(Modules.AUTH);
  for (const { email } of CUSTOMERS) await authenticateEmailPass(auth, email);
}

// ---------------------------------------------------------------------------------------------
// Auth helpers
// ---------------------------------------------------------------------------------------------

async function registerEmailPass(container: MedusaContainer, email: string): Promise<string> {
  const response = await container.resolve(Modules.AUTH).register('emailpass', { body: { email, password: PASSWORD } });
  if (!response.success || !response.authIdentity)
    throw new Error(`Could not register ${email}: ${response.error ?? 'no auth identity'}`);
  return response.authIdentity.id;
}

async function authenticateEmailPass(
  auth: IAuthModuleService,
  email: string,
): ReturnType<IAuthModuleService['authenticate']> {
  const response = await auth.authenticate('emailpass', { body: { email, password: PASSWORD } });
  if (!response.success) throw new Error(`${email}: password sign-in failed: ${response.error ?? 'unknown error'}`);
  return response;
}

/** RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s steps) — what any authenticator app computes from the base32 secret. */
function totpCode(base32Secret: string, at: number = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const hmac = createHmac('sha1', base32Decode(base32Secret)).update(counter).digest();
  const offset = (hmac[hmac.length - 1] ?? 0) & 0x0f;
  const binary = hmac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

function base32Decode(input: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of input.replace(/=+$/, '').toUpperCase()) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error('Invalid base32 secret');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

async function writeStaffFile(staff: CreatedStaff[], customers: CustomersByKey): Promise<string> {
  const file = path.resolve(process.env.CONCIERGE_STAFF_FILE ?? DEFAULT_STAFF_FILE);
  const content = {
    staff: staff.map((s) => ({ role: s.spec.role, email: s.spec.email, password: PASSWORD, totpSecret: s.totpSecret })),
    customers: {
      withConsent: { id: mustGet(customers, 'jane', 'customer').id },
      withoutConsent: { id: mustGet(customers, 'john', 'customer').id },
    },
  };
  await mkdir(path.dirname(file), { recursive: true });
  // Holds passwords and TOTP secrets: owner-only.
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  return file;
}

interface Summary {
  stores: StoreSetup[];
  location: StockLocationDTO;
  products: ProductDTO[];
  customers: CustomersByKey;
  orders: OrderDTO[];
  staff: CreatedStaff[];
  staffFile: string;
  seconds: number;
}

/** Ids and counts only: no passwords, TOTP secrets or publishable tokens. */
function logSummary(logger: Logger, s: Summary): void {
  const lines = [
    `Concierge seed done in ${s.seconds.toFixed(1)} s.`,
    ...s.stores.map(
      (st) =>
        `  store ${st.spec.code}: sales channel ${st.channel.id}, region ${st.region.id} (${st.spec.currency}), publishable key ${st.apiKey.id}`,
    ),
    `  stock location ${s.location.id}; products ${s.products.length} (${s.products.map((p) => p.handle).join(', ')})`,
    `  customers ${s.customers.size}: ${[...s.customers.values()].map((c) => `${c.email}=${c.id}`).join(', ')}`,
    `  orders ${s.orders.length}: ${s.orders.map((o) => `#${o.display_id} ${o.email} ${o.currency_code}`).join(', ')}`,
    `  staff ${s.staff.length} (TOTP enabled): ${s.staff.map((m) => `${m.spec.email}=${m.spec.role}`).join(', ')}`,
    `  staff file: ${s.staffFile}`,
  ];
  logger.info(lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------

function byStoreCode<T, V = T>(
  items: T[],
  matches: (item: T, spec: StoreSpec) => boolean,
  pick?: (item: T) => V,
): Map<StoreCode, V> {
  const out = new Map<StoreCode, V>();
  for (const spec of STORES) {
    const item = mustFind(items, (i) => matches(i, spec), `${spec.code} item`);
    out.set(spec.code, pick ? pick(item) : (item as unknown as V));
  }
  return out;
}

function mustFind<T>(items: readonly T[], predicate: (item: T) => boolean, what: string): T {
  const found = items.find(predicate);
  if (found === undefined) throw new Error(`Seed: ${what} not found.`);
  return found;
}

function mustGet<K, V>(map: Map<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`Seed: ${what} "${String(key)}" not found.`);
  return value;
}

import type {
  IAuthModuleService,
  ICustomerModuleService,
  IOrderModuleService,
  ISalesChannelModuleService,
  IUserModuleService,
  Logger,
  MedusaContainer,
} from '@medusajs/framework/types';
import { ContainerRegistrationKeys, Modules } from '@medusajs/framework/utils';
import { knexDb, type Db } from './db';

/** Everything the plugin's routes use, resolved once from Medusa's container and passed in. */
export interface Deps {
  db: Db;
  users: IUserModuleService;
  auth: IAuthModuleService;
  customers: ICustomerModuleService;
  orders: IOrderModuleService;
  salesChannels: ISalesChannelModuleService;
  /** The origin and prefix the plugin is reached at, e.g. `http://127.0.0.1:9000/concierge`. */
  publicUrl: string;
  /** The Medusa server's own origin, for the storefront's Store API calls. */
  medusaUrl: string;
  logger: Logger;
  now: () => Date;
}

export const CONCIERGE_PREFIX = '/concierge';

export function depsFrom(container: MedusaContainer): Deps {
  const port = process.env.PORT ?? '9000';
  const medusaUrl = (process.env.CONCIERGE_MEDUSA_URL ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
  return {
    db: knexDb(container.resolve(ContainerRegistrationKeys.PG_CONNECTION)),
    users: container.resolve(Modules.USER),
    auth: container.resolve(Modules.AUTH),
    customers: container.resolve(Modules.CUSTOMER),
    orders: container.resolve(Modules.ORDER),
    salesChannels: container.resolve(Modules.SALES_CHANNEL),
    publicUrl: `${(process.env.CONCIERGE_PUBLIC_URL ?? medusaUrl).replace(/\/+$/, '')}${CONCIERGE_PREFIX}`,
    medusaUrl,
    logger: container.resolve(ContainerRegistrationKeys.LOGGER),
    now: () => new Date(),
  };
}

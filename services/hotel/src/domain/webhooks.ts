import {
  mapPage,
  newWebhookSecret,
  NotFoundError,
  publicUrlProblem,
  requireRole,
  ValidationError,
  type ListQuery,
  type Page,
  type Principal,
} from '@myhotel/common';
import type { WebhookDeliveryStatus, WebhookEventType } from '../data/records';
import type { WebhookEndpointChange, WebhookRepository, WebhookSortField } from '../data/webhook-repository';
import {
  toWebhookDeliveryView,
  toWebhookView,
  type WebhookDeliveryView,
  type WebhookView,
} from './webhook-views';

type EventSelection = Array<WebhookEventType | '*'>;

export interface WebhookInput {
  url: string;
  events?: EventSelection;
  description?: string;
  enabled?: boolean;
}

export interface WebhookUpdateInput {
  url?: string;
  events?: EventSelection;
  description?: string | null;
  enabled?: boolean;
}

export interface WebhookSettings {
  /** Non-public target addresses allowed (WEBHOOK_ALLOW_PRIVATE_TARGETS; tests only). */
  allowPrivateTargets: boolean;
}

/** How long the secret replaced by a rotation keeps signing. */
const secretOverlapHours = 24;

const webhookNotFound = () => new NotFoundError('Webhook subscription not found');

/**
 * Webhook subscriptions, for admins: which endpoint gets which booking events, their signing
 * secrets (made here, shown once), and their deliveries. Sending is the delivery worker's
 * (webhook-delivery.ts); the events are queued by the bookings' own transactions.
 */
export class WebhookService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly settings: WebhookSettings,
  ) {}

  /** A new subscription with a new secret, the one time the secret is shown. */
  async create(principal: Principal, input: WebhookInput): Promise<WebhookView> {
    requireRole(principal, 'admin');
    const secret = newWebhookSecret();
    const endpoint = await this.webhooks.create({
      url: this.allowedUrl(input.url),
      eventTypes: eventTypes(input.events ?? ['*']),
      description: input.description ?? null,
      enabled: input.enabled ?? true,
      secret,
      createdBy: principal.userId,
    });
    return { ...toWebhookView(endpoint), secret };
  }

  async list(principal: Principal, query: ListQuery<WebhookSortField>): Promise<Page<WebhookView>> {
    requireRole(principal, 'admin');
    const page = await this.webhooks.list({ ...query, sort: query.sort ?? 'created_at' });
    return mapPage(page, (endpoint) => toWebhookView(endpoint));
  }

  async get(principal: Principal, id: string): Promise<WebhookView> {
    requireRole(principal, 'admin');
    const endpoint = await this.webhooks.find(id);
    if (!endpoint) throw webhookNotFound();
    return toWebhookView(endpoint);
  }

  async update(principal: Principal, id: string, input: WebhookUpdateInput): Promise<WebhookView> {
    requireRole(principal, 'admin');
    const change: WebhookEndpointChange = {
      url: input.url === undefined ? undefined : this.allowedUrl(input.url),
      eventTypes: input.events === undefined ? undefined : eventTypes(input.events),
      description: input.description,
      enabled: input.enabled,
    };
    const endpoint = await this.webhooks.update(id, change);
    if (!endpoint) throw webhookNotFound();
    return toWebhookView(endpoint);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    requireRole(principal, 'admin');
    if (!(await this.webhooks.delete(id))) throw webhookNotFound();
  }

  /** A new secret, shown this once; the replaced one signs as well for `secretOverlapHours`. */
  async rotateSecret(
    principal: Principal,
    id: string,
  ): Promise<{ secret: string; previous_secret_expires_at: string }> {
    requireRole(principal, 'admin');
    const endpoint = await this.webhooks.rotateSecret(id, newWebhookSecret(), secretOverlapHours);
    if (!endpoint) throw webhookNotFound();
    return {
      secret: endpoint.secret,
      previous_secret_expires_at: endpoint.previousSecretExpiresAt!.toISOString(),
    };
  }

  async deliveries(
    principal: Principal,
    id: string,
    query: ListQuery<WebhookSortField> & { status?: WebhookDeliveryStatus },
  ): Promise<Page<WebhookDeliveryView>> {
    requireRole(principal, 'admin');
    if (!(await this.webhooks.find(id))) throw webhookNotFound();
    const page = await this.webhooks.deliveries({
      ...query,
      endpointId: id,
      sort: query.sort ?? '-created_at',
    });
    return mapPage(page, toWebhookDeliveryView);
  }

  /** One more attempt of a delivery, due now (see WebhookRepository.retry). */
  async retry(principal: Principal, id: string, deliveryId: string): Promise<WebhookDeliveryView> {
    requireRole(principal, 'admin');
    const delivery = await this.webhooks.retry(id, deliveryId);
    if (!delivery) throw new NotFoundError('No such delivery of this webhook subscription');
    return toWebhookDeliveryView(delivery);
  }

  /** The URL if events may be sent to it (its resolved addresses are checked again at every delivery). */
  private allowedUrl(url: string): string {
    const problem = publicUrlProblem(url, { allowPrivate: this.settings.allowPrivateTargets });
    if (problem) throw new ValidationError(`url ${problem}`, [{ path: 'url', message: problem }]);
    return url;
  }
}

/** The stored selection: null for every type (`['*']`), else the types. `*` stands alone. */
function eventTypes(events: EventSelection): WebhookEventType[] | null {
  if (!events.includes('*')) return events as WebhookEventType[];
  if (events.length > 1) {
    throw new ValidationError('"*" selects every event type and stands alone', [
      { path: 'events', message: '"*" stands alone' },
    ]);
  }
  return null;
}

import { Injectable, Logger } from '@nestjs/common';
import type { DomainEventName, DomainEvents } from '@ecogrid/contracts';
import { EventEmitter } from 'node:events';

type Listener<Name extends DomainEventName> = (event: DomainEvents[Name]) => void | Promise<void>;

/** The typed in-process bus of domain events; a listener's failure is logged, never thrown back. */
@Injectable()
export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });
  private readonly logger = new Logger('events');

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  publish<Name extends DomainEventName>(name: Name, event: DomainEvents[Name]): void {
    this.emitter.emit(name, event);
  }

  subscribe<Name extends DomainEventName>(name: Name, listener: Listener<Name>): () => void {
    const wrapped = (event: DomainEvents[Name]) => {
      try {
        const result = listener(event);
        if (result instanceof Promise) {
          result.catch((error: unknown) =>
            this.logger.error({ err: error, event: name }, 'event listener failed'),
          );
        }
      } catch (error) {
        this.logger.error({ err: error, event: name }, 'event listener failed');
      }
    };
    this.emitter.on(name, wrapped);
    return () => this.emitter.off(name, wrapped);
  }
}

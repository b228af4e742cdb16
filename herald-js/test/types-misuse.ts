// Misuses the declarations must reject: each `@ts-expect-error` fails the check if the line
// compiles, so declarations that grew too loose (any) cannot pass unnoticed.
import { Herald, lastEventIdFrom, parseLinkHeader } from '../herald.js';

const hub = new Herald('https://hub.example/.well-known/mercure');
// @ts-expect-error selectors are strings
hub.subscribe([1, 2], () => {});
// @ts-expect-error the option is lastEventId
hub.subscribe(['t'], () => {}, { lastEventID: 'x' });
// @ts-expect-error an event's data is a string, not an object
hub.subscribe(['t'], (event) => event.data.title.length);
// @ts-expect-error state is one of three strings
hub.state = 'opened';
// @ts-expect-error the position may be null: handle it
const id: string = lastEventIdFrom('</hub>; rel=mercure');
// @ts-expect-error links have params, not attributes
parseLinkHeader('</hub>')[0].attributes;

export { id };

/**
 * `npm run fakes`: the fake X, Graph and Google Alerts servers, seeded with a few conversations, for
 * demonstrating earshot without any credentials. Prints the environment to point earshot at them.
 * New posts keep arriving every FAKES_EVERY_MS (default 20 s) so polling has something to find.
 */
import { createHmac } from 'node:crypto';
import { startFakeX } from './x.ts';
import { startFakeGraph } from './graph.ts';
import { startFakeAlerts } from './alerts.ts';

const SECRET = {
  bearer: 'fake-x-bearer',
  consumerKey: 'fake-x-consumer-key',
  consumerSecret: 'fake-x-consumer-secret',
  appSecret: 'fake-facebook-app-secret',
  verify: 'fake-facebook-verify-token',
  pageToken: 'EAAfakepagetoken',
};
const PAGE = '100200300';
const ALERT = '4242424242424242424';

const x = await startFakeX({ bearerToken: SECRET.bearer, consumerKey: SECRET.consumerKey });
const graph = await startFakeGraph({ appSecret: SECRET.appSecret, version: 'v26.0' });
const alerts = await startFakeAlerts();
graph.page(PAGE, SECRET.pageToken);
x.user('lumio_support');
const feedUrl = alerts.feed(ALERT);

const complaints = [
  'my Lumio X200 keeps rebooting since the 4.2 update',
  'Lumio app logs me out every hour, so annoying',
  '@lumio_support still waiting for my refund, 3 weeks now',
  'the Lumio charger got really hot overnight?!',
  'love my new Lumio, setup took 2 minutes',
];
let n = 0;
const seed = () => {
  const text = complaints[n % complaints.length]!;
  x.tweet(`${text} #${n}`, `customer${n % 7}`);
  const post = graph.post(PAGE, `${text} (${n})`);
  if (n % 2 === 0) graph.comment(post.id, `same here! (${n})`);
  alerts.entry(ALERT, `Lumio <b>X200</b> owners report problems (${n})`, `https://news.example.com/lumio/${n}`);
  n++;
};
for (let i = 0; i < 10; i++) seed();
const every = Number(process.env.FAKES_EVERY_MS ?? 20_000);
const timer = every > 0 ? setInterval(seed, every) : undefined;

process.stdout.write(`Fakes running (new posts every ${every} ms). Point earshot at them:

export X_BEARER_TOKEN=${SECRET.bearer}
export X_CONSUMER_KEY=${SECRET.consumerKey}
export X_CONSUMER_SECRET=${SECRET.consumerSecret}
export X_ACCESS_TOKEN=fake-access-token
export X_ACCESS_SECRET=fake-access-secret
export X_QUERIES='lumio'
export X_ACCOUNTS=lumio_support
export X_API_BASE=${x.url}
export X_POLL_INTERVAL_MS=15000
export FACEBOOK_APP_SECRET=${SECRET.appSecret}
export FACEBOOK_VERIFY_TOKEN=${SECRET.verify}
export FACEBOOK_PAGE_TOKENS=${PAGE}:${SECRET.pageToken}
export FACEBOOK_GRAPH_BASE=${graph.url}
export FACEBOOK_POLL_INTERVAL_MS=15000
export GOOGLE_ALERTS_FEEDS=${feedUrl}
export GOOGLE_ALERTS_POLL_INTERVAL_MS=15000
npx earshot start

A signed X webhook delivery, for trying /webhooks/twitter by hand:
  body='{"tweet_create_events":[{"id_str":"1999","text":"lumio webhook test","user":{"screen_name":"hooked"}}]}'
  curl -X POST localhost:3000/webhooks/twitter -H 'content-type: application/json' \\
    -H "x-twitter-webhooks-signature: sha256=$(printf %s "$body" | openssl dgst -sha256 -hmac ${SECRET.consumerSecret} -binary | base64)" -d "$body"
(example signature of an empty event: sha256=${createHmac('sha256', SECRET.consumerSecret).update('{}').digest('base64')})
`);

const stop = async () => {
  clearInterval(timer);
  await Promise.all([x.close(), graph.close(), alerts.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

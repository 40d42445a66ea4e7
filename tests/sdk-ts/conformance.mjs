// Runs the official Memobase TypeScript SDK, unchanged, against MEMOBASE_URL (the server root,
// e.g. http://127.0.0.1:8019; the SDK appends /api/v1) with MEMOBASE_TOKEN. Prints one JSON line
// per step and exits 0 only if every step passed. The token is never printed.
import { randomUUID } from 'node:crypto';
import sdk from '@memobase/memobase';

const { MemoBaseClient, User } = sdk;

// Every public method of the SDK is recorded when called, so the run proves it left none out.
const called = new Set();
const methods = [];
for (const [owner, prototype] of [['MemoBaseClient', MemoBaseClient.prototype], ['User', User.prototype]]) {
  for (const name of Object.getOwnPropertyNames(prototype)) {
    if (name === 'constructor' || typeof prototype[name] !== 'function') continue;
    const method = `${owner}.${name}`;
    const original = prototype[name];
    methods.push(method);
    prototype[name] = function (...args) {
      called.add(method);
      return original.apply(this, args);
    };
  }
}
const url = process.env.MEMOBASE_URL;
const token = process.env.MEMOBASE_TOKEN;
if (!url || !token) {
  console.error('set MEMOBASE_URL and MEMOBASE_TOKEN');
  process.exit(2);
}

let failed = 0;
async function step(name, body) {
  try {
    const detail = await body();
    console.log(JSON.stringify({ step: name, ok: true, detail: detail ?? '' }));
  } catch (error) {
    failed++;
    console.log(JSON.stringify({ step: name, ok: false, detail: String(error?.message ?? error) }));
  }
}
function check(condition, message) {
  if (!condition) throw new Error(message);
}
async function throws(call) {
  try {
    await call();
    return false;
  } catch {
    return true;
  }
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const client = new MemoBaseClient(url, token);
const userId = randomUUID();
let user;
let blobId;
let profileId;
let eventId;

// Every method of MemoBaseClient and User, in the order an application meets them: set the project up, manage
// users, insert and flush chats, read the memory back (events, gists, profiles, context), edit it, then clean up.
await step('ping', async () => check(await client.ping(), 'ping returned false'));
await step('update the config', async () => check(await client.updateConfig('language: en\n'), 'updateConfig returned false'));
await step('get the config', async () => check((await client.getConfig()) === 'language: en\n', 'config did not round-trip'));
await step('add user with data', async () => {
  const id = await client.addUser({ name: 'Ann' }, userId);
  check(id === userId, `addUser returned ${id}`);
});
await step('get user', async () => {
  user = await client.getUser(userId);
  check(user.fields?.data?.name === 'Ann', `user data was ${JSON.stringify(user.fields)}`);
});
await step('update user', async () => {
  const id = await client.updateUser(userId, { name: 'Anna' });
  check(id === userId, `updateUser returned ${id}`);
  const again = await client.getUser(userId);
  check(JSON.stringify(again.fields.data).includes('Anna'), `user data was ${JSON.stringify(again.fields)}`);
});
await step('get or create an existing user', async () => {
  const existing = await client.getOrCreateUser(userId);
  check(existing.fields?.data !== undefined, 'existing user came back without its data');
});
await step('get or create a new user', async () => {
  const fresh = randomUUID();
  await client.getOrCreateUser(fresh);
  const found = await client.getUser(fresh);
  check(found.fields?.created_at, 'the new user was not created');
});
await step('list the project users', async () => {
  const { users, count } = await client.getUsers(userId);
  // PUT /users/{id} stores its whole body, so the update above left {"data": {"name": "Anna"}}.
  check(count === 1 && users[0].id === userId && users[0].additional_fields?.data?.name === 'Anna', JSON.stringify({ users, count }));
});
await step('insert a chat blob', async () => {
  blobId = await user.insert({
    type: 'chat',
    fields: { memosync_turn_id: 'sdk-ts-1' },
    messages: [
      { role: 'user', content: 'I play tennis every Sunday', alias: 'Ann', created_at: '2024-12-04T10:30:00' },
      { role: 'assistant', content: 'That sounds fun!' },
    ],
  });
  check(typeof blobId === 'string' && blobId.length === 36, `insert returned ${blobId}`);
});
await step('get the buffered blob', async () => {
  const blob = await user.get(blobId);
  check(blob.blob_data.messages[0].content === 'I play tennis every Sunday', `blob was ${JSON.stringify(blob)}`);
  check(blob.fields.memosync_turn_id === 'sdk-ts-1', 'fields were not kept');
});
await step('list blob ids', async () => {
  const ids = await user.getAll('chat');
  check(ids.includes(blobId), `getAll returned ${JSON.stringify(ids)}`);
});
await step('delete a blob', async () => {
  const id = await user.insert({ type: 'chat', messages: [{ role: 'user', content: 'bye' }] });
  check(await user.delete(id), 'delete returned false');
  check(!(await user.getAll('chat')).includes(id), 'the deleted blob is still listed');
});
await step('flush without waiting', async () => {
  check(await user.flush('chat', false), 'flush returned false');
  for (let i = 0; i < 100; i++) {
    if ((await user.event()).length > 0) return 'processed in the background';
    await sleep(20);
  }
  throw new Error('the buffer was never processed');
});
await step('a processed blob is gone', async () => {
  check(await throws(() => user.get(blobId)), 'the processed chat blob can still be read');
  check((await user.getAll('chat')).length === 0, 'processed chat blobs are still listed');
});
await step('flush and wait', async () => {
  await user.insert({ type: 'chat', messages: [{ role: 'user', content: 'I drink green tea' }, { role: 'assistant', content: 'Nice' }] });
  check(await user.flush('chat', true), 'flush returned false');
  const events = await user.event();
  check(events.length === 2, `expected 2 events, got ${events.length}`);
});
await step('events', async () => {
  const events = await user.event(10, 1000);
  check(events.length === 2 && events.every((e) => e.created_at instanceof Date), JSON.stringify(events));
});
await step('search events', async () => {
  const found = await user.searchEvent('tennis Sunday', 5, 0.5, 30);
  check(found.length === 1 && found[0].event_data.event_tip.includes('tennis'), JSON.stringify(found));
  eventId = found[0].id;
});
await step('search event gists', async () => {
  // The SDK reads data.events, which the server leaves empty here: the gists come back under data.gists.
  const viaSdk = await user.searchEventGist('tennis Sunday', 5, 0.5, 30);
  check(Array.isArray(viaSdk) && viaSdk.length === 0, JSON.stringify(viaSdk));
  const raw = await client.fetch(`/users/event_gist/search/${userId}?query=tennis%20Sunday&topk=5&similarity_threshold=0.5`);
  check(raw.data.gists.length === 1 && raw.data.gists[0].gist_data.content === '- I play tennis every Sunday', JSON.stringify(raw.data));
  return 'the SDK returns data.events (empty); data.gists holds the gist';
});
await step('update an event', async () => {
  check(await user.updateEvent(eventId, { event_tip: '- plays tennis on Sundays' }), 'updateEvent returned false');
  const updated = (await user.event()).find((e) => e.id === eventId);
  check(updated?.event_data.event_tip === '- plays tennis on Sundays', JSON.stringify(updated));
});
await step('delete an event', async () => {
  check(await user.deleteEvent(eventId), 'deleteEvent returned false');
  check(!(await user.event()).some((e) => e.id === eventId), 'the event is still there');
});
await step('add a profile', async () => {
  profileId = await user.addProfile('plays tennis', 'interest', 'sports');
  check(typeof profileId === 'string', `addProfile returned ${profileId}`);
});
await step('update the profile', async () => {
  check(await user.updateProfile(profileId, 'plays tennis weekly', 'interest', 'sports'), 'updateProfile returned false');
});
await step('get profiles', async () => {
  const profiles = await user.profile(1000, ['interest'], ['interest'], 3, { interest: 2 });
  const mine = profiles.find((p) => p.id === profileId);
  check(mine?.content === 'plays tennis weekly' && mine.topic === 'interest' && mine.sub_topic === 'sports', JSON.stringify(profiles));
});
await step('context', async () => {
  const context = await user.context(1000, undefined, undefined, undefined, undefined, 0.6, false, [{ role: 'user', content: 'tennis' }]);
  check(context.includes('interest::sports: plays tennis weekly'), `context was ${context}`);
});
await step('delete the profile', async () => {
  check(await user.deleteProfile(profileId), 'deleteProfile returned false');
  const profiles = await user.profile();
  check(!profiles.some((p) => p.id === profileId), 'the profile is still there');
});
await step('usage', async () => {
  const days = await client.getUsage(3);
  check(days.length === 3 && days[0].total_insert === 3 && days[0].total_success_insert === 3, JSON.stringify(days));
});
await step('delete the user', async () => {
  check(await client.deleteUser(userId), 'deleteUser returned false');
  check(await throws(() => client.getUser(userId)), 'the deleted user is still there');
});
await step('a wrong token is refused', async () => {
  const intruder = new MemoBaseClient(url, 'not-the-token');
  let refused = false;
  try {
    await intruder.getUser(randomUUID());
  } catch (error) {
    refused = String(error.message).includes('401');
  }
  check(refused, 'a call with a wrong token was not refused with HTTP 401');
});

await step('every SDK method was called', async () => {
  const missed = methods.filter((m) => !called.has(m));
  check(missed.length === 0, `never called: ${missed.join(', ')}`);
  return methods.join(', ');
});

process.exit(failed === 0 ? 0 : 1);

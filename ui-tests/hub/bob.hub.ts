/**
 * Bob through the hub: alice's folders are his to read, never to change. The panel
 * refuses each write, move and delete into them with a message, and so does his server's
 * API under his own hub token; fake-gcs-server, read directly, shows alice's objects
 * exactly as they were (same keys, generations and MD5s).
 */
import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

import {
  HUB,
  STATE,
  command,
  currentCrumb,
  fileBrowserItem,
  gcsPut,
  gcsState,
  gcsText,
  logIn,
  moveTo,
  openPanel,
  row,
  saveSettings,
  sidebarTab,
  startDrag,
  toast,
  unique,
  waitForLab,
  writeHomeFile
} from './hub';

const REFUSED_WRITE =
  /You can write only (under|inside) gs:\/\/leap-scratch\/bob\//;

test("bob browses alice's folders; the panel refuses his writes, overwrites, moves and deletes there and says why", async ({
  page
}) => {
  const before = await gcsState('alice/');
  expect(before.length).toBeGreaterThan(0);
  const name = `${unique('bobs')}.txt`;
  writeHomeFile('bob', name, "bob's file, never to land in alice's folder\n");

  writeHomeFile('bob', 'notes.txt', "bob's notes, named like alice's\n");

  await logIn(page, 'bob');
  // Transfers overwrite what they meet without asking: were a drop onto alice's folder
  // sent, it would be an overwrite of her notes.txt.
  await saveSettings(page, { onConflict: 'overwrite' });
  const transfers: any[] = []; // what the panel asks of the server
  page.on('request', request => {
    if (
      request.method() === 'POST' &&
      request.url().includes('/user/bob/leap-buckets/api/transfers')
    ) {
      transfers.push(request.postDataJSON());
    }
  });
  await page.reload();
  await waitForLab(page);
  const panel = await openPanel(page);
  await expect(currentCrumb(panel)).toHaveText('bob');
  await panel.locator('.jp-LeapBuckets-crumb').first().click(); // the bucket's top
  await row(panel, 'alice/').dblclick();
  await expect(currentCrumb(panel)).toHaveText('alice');
  await expect(row(panel, 'alice/README.md')).toBeVisible();
  await expect(row(panel, 'alice/ocean.zarr/')).toHaveAttribute(
    'data-type',
    'zarr'
  );
  const results = row(panel, 'alice/results/');
  await expect(results).toBeVisible();

  // Delete (the Delete key on alice's file): refused before any plan, no dialog.
  await row(panel, 'alice/README.md').click();
  await page.keyboard.press('Delete');
  await expect(
    toast(page, 'You can delete only inside gs://leap-scratch/bob/').first()
  ).toBeVisible();
  await expect(page.locator('.jp-LeapBuckets-deleteDialog')).toHaveCount(0);

  // A new folder in alice/.
  await command(page, 'leap-buckets:new-folder');
  await expect(
    toast(page, 'open a folder there to make folders').first()
  ).toContainText(REFUSED_WRITE);

  // Drops into alice's folders are refused while dragging (issue #21, item 8): her rows
  // never light up as drop targets, and the drag image says why. Nothing is sent.
  const refusedHere = async () => {
    await expect(results).not.toHaveClass(/jp-mod-dropTarget/);
    const label = page.locator(
      'body > .lm-mod-drag-image .jp-LeapBuckets-dropLabel'
    );
    await expect(label).toHaveAttribute('data-mode', 'none');
    await expect(label).toContainText(
      'Not yours: in Scratch you can write only inside bob/.'
    );
    await page.mouse.up();
  };
  // A move: alice's README dragged onto her results folder (within a root, a move).
  await startDrag(page, row(panel, 'alice/README.md'));
  await moveTo(page, results);
  await refusedHere();

  // A write: a file of bob's workspace dragged onto alice's results folder.
  const item = await fileBrowserItem(page, name);
  await startDrag(page, item);
  await moveTo(page, sidebarTab(page, 'leap-buckets-panel'));
  await expect(panel).toBeVisible();
  await moveTo(page, results);
  await refusedHere();

  // An overwrite: bob's notes.txt dropped onto alice's results folder, which holds one.
  const notes = await fileBrowserItem(page, 'notes.txt');
  await startDrag(page, notes);
  await moveTo(page, sidebarTab(page, 'leap-buckets-panel'));
  await expect(panel).toBeVisible();
  await moveTo(page, results);
  await refusedHere();
  // The panel asked the server for nothing; the server's own refusals of these very
  // requests are the next test's (bob's token against his server's API).
  expect(transfers).toEqual([]);
  await saveSettings(page, {});

  // No job touching alice/ was started (bob's server keeps his earlier jobs), and the
  // bucket, read directly, holds alice's objects unchanged.
  await expect(
    panel.locator('.jp-LeapBuckets-job', { hasText: 'leap-scratch/alice/' })
  ).toHaveCount(0);
  expect(await gcsText(`alice/results/${name}`)).toBeNull();
  expect(await gcsState('alice/')).toEqual(before);
});

// -- the API, with bob's token from the hub ----------------------------------------------

const SERVICE_TOKEN = () =>
  fs.readFileSync(path.join(STATE, 'service-token'), 'utf-8').trim();

async function hubApi(method: string, route: string, body?: unknown) {
  return fetch(`${HUB}/hub/api/${route}`, {
    method,
    headers: { Authorization: `token ${SERVICE_TOKEN()}` },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
}

/** Bob's server running, and a token of his from the hub's REST API. */
async function bobsToken(): Promise<string> {
  const started = await hubApi('POST', 'users/bob/server');
  expect([201, 202, 400]).toContain(started.status); // 400: running already
  await expect
    .poll(
      async () =>
        (await (await hubApi('GET', 'users/bob')).json()).servers?.['']?.ready,
      { timeout: 120000 }
    )
    .toBe(true);
  const response = await hubApi('POST', 'users/bob/tokens', {
    note: 'ui-tests/hub bob.hub.ts',
    expires_in: 900
  });
  expect(response.status).toBe(201);
  return (await response.json()).token;
}

test("bob's token is refused every write, overwrite, move and delete into alice's folders by his server's API", async () => {
  const token = await bobsToken();
  const api = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${HUB}/user/bob/leap-buckets/api/${route}`, {
      method,
      headers: { Authorization: `token ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      body: type.includes('json')
        ? await response.json()
        : await response.text()
    };
  };
  const before = await gcsState('alice/');
  const own = `bob/${unique('api')}/notes.txt`; // named like alice's results/notes.txt
  await gcsPut(own, "bob's notes\n");
  const local = `${unique('local')}.txt`;
  writeHomeFile('bob', local, "from bob's workspace\n");

  // Bob is bob, and reads alice's folders.
  const roots = await api('GET', 'roots');
  expect(roots.status).toBe(200);
  expect(roots.body.user).toBe('bob');
  const scratch = roots.body.roots.find((r: any) => r.id === 'scratch');
  expect(scratch.writable).toBe('bob/');
  const listing = await api('GET', 'list?root=scratch&path=alice/results/');
  expect(listing.status).toBe(200);
  expect(listing.body.entries.map((e: any) => e.path)).toContain(
    'alice/results/notes.txt'
  );
  const read = await api(
    'GET',
    'object?root=scratch&path=alice/results/notes.txt'
  );
  expect(read.status).toBe(200);
  expect(read.body).toBe(await gcsText('alice/results/notes.txt'));

  const place = (p: string) => ({ root: 'scratch', path: p });
  const refusals: [string, string, string, unknown][] = [
    [
      'copy into alice/',
      'POST',
      'transfers',
      {
        source: place(own),
        target: place('alice/results/'),
        mode: 'copy',
        conflict: 'fail'
      }
    ],
    [
      'copy from the workspace into alice/',
      'POST',
      'transfers',
      {
        source: { local },
        target: place('alice/results/'),
        mode: 'copy',
        conflict: 'fail'
      }
    ],
    [
      "overwrite alice's file (a folder target)",
      'POST',
      'transfers',
      {
        source: place(own),
        target: place('alice/results/'),
        mode: 'copy',
        conflict: 'overwrite'
      }
    ],
    [
      "overwrite alice's file (its key as the target)",
      'POST',
      'transfers',
      {
        source: place(own),
        target: place('alice/results/notes.txt'),
        mode: 'copy',
        conflict: 'overwrite'
      }
    ],
    [
      'move into alice/',
      'POST',
      'transfers',
      {
        source: place(own),
        target: place('alice/'),
        mode: 'move',
        conflict: 'fail'
      }
    ],
    [
      "move alice's file out to bob/",
      'POST',
      'transfers',
      {
        source: place('alice/results/notes.txt'),
        target: place('bob/'),
        mode: 'move',
        conflict: 'rename'
      }
    ],
    ['a new folder in alice/', 'POST', 'folders', place('alice/bobs-folder/')],
    [
      'an upload into alice/',
      'POST',
      'uploads',
      { target: place('alice/'), name: 'x.bin', size: 3, conflict: 'fail' }
    ],
    [
      "plan deleting alice's store",
      'POST',
      'delete/plan',
      place('alice/ocean.zarr/')
    ],
    [
      "plan deleting alice's file",
      'POST',
      'delete/plan',
      place('alice/README.md')
    ],
    ["plan deleting alice's home", 'POST', 'delete/plan', place('alice/')]
  ];
  for (const [what, method, route, body] of refusals) {
    const answer = await api(method, route, body);
    expect
      .soft(answer.status, `${what}: ${JSON.stringify(answer.body)}`)
      .toBe(403);
    expect.soft(answer.body?.error?.code, what).toBe('outside-home');
    expect.soft(answer.body?.error?.message, what).toMatch(/bob\//);
  }

  // The same token may write in bob's own folder: the refusals above are the guard's.
  const copy = await api('POST', 'transfers', {
    source: place(own),
    target: place(`${path.posix.dirname(own)}/copies/`),
    mode: 'copy',
    conflict: 'fail'
  });
  expect(copy.status).toBe(202);
  await expect
    .poll(async () => (await api('GET', `jobs/${copy.body.id}`)).body.state, {
      timeout: 30000
    })
    .toBe('done');
  expect(await gcsText(`${path.posix.dirname(own)}/copies/notes.txt`)).toBe(
    "bob's notes\n"
  );

  // fake-gcs-server, read directly: alice's objects as they were, bob's source kept.
  expect(await gcsState('alice/')).toEqual(before);
  expect(await gcsText(own)).toBe("bob's notes\n");
});

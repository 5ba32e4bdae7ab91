import { DeletePlanBody } from '../widgets/deleteDialog';
import { IDeletePlan } from '../tokens';

function plan(extra: Partial<IDeletePlan> = {}): IDeletePlan {
  return {
    plan: 't',
    root: 'scratch',
    path: 'demo/run/ocean.zarr/',
    url: 'gs://leap-scratch/demo/run/ocean.zarr/',
    type: 'zarr',
    zarr: true,
    objects: 1200,
    bytes: 2048,
    sample: ['demo/run/ocean.zarr/.zgroup', 'demo/run/ocean.zarr/t/0'],
    earliestExpiry: '2026-12-01T10:00:00Z',
    tokenSecondsLeft: 900,
    complete: true,
    ...extra
  };
}

describe('DeletePlanBody', () => {
  it('shows the URL, the counts, the sample relative to the path, and what is left out', () => {
    const body = new DeletePlanBody(plan());
    const fact = (key: string) =>
      body.node.querySelector(`[data-fact="${key}"]`)!.textContent;
    expect(
      body.node.querySelector('.jp-LeapBuckets-deleteUrl')!.textContent
    ).toBe('gs://leap-scratch/demo/run/ocean.zarr/');
    expect(fact('type')).toBe('Zarr store');
    expect(fact('objects')).toBe((1200).toLocaleString());
    expect(
      Array.from(
        body.node.querySelectorAll('.jp-LeapBuckets-deleteSample li')
      ).map(li => li.textContent)
    ).toEqual(['.zgroup', 't/0', `… and ${(1198).toLocaleString()} more`]);
  });

  it('says the counts are still growing while the server lists', () => {
    const body = new DeletePlanBody(plan({ complete: false, objects: 1000 }));
    expect(
      body.node.querySelector('[data-fact="objects"]')!.textContent
    ).toMatch(/so far, still counting/);
    body.showPlan(plan({ objects: 5000 }));
    expect(body.node.querySelector('[data-fact="objects"]')!.textContent).toBe(
      (5000).toLocaleString()
    );
  });

  it('is confirmed only once the name is typed exactly, for stores and folders', () => {
    const body = new DeletePlanBody(plan());
    const input = body.node.querySelector('input')!;
    expect(body.confirmed).toBe(false);
    input.value = 'ocean.zar';
    expect(body.confirmed).toBe(false);
    input.value = 'ocean.zarr';
    expect(body.confirmed).toBe(true);
    const file = new DeletePlanBody(
      plan({
        type: 'file',
        zarr: false,
        path: 'demo/a.nc',
        objects: 1,
        sample: ['demo/a.nc']
      })
    );
    expect(file.node.querySelector('input')).toBeNull();
    expect(file.confirmed).toBe(true);
  });
});

import { DeletePlanBody, deleteDialogOptions } from '../widgets/deleteDialog';
import { DeletePlanModel } from '../workflows/deletePlan';
import { IDeletePlan } from '../tokens';
import { deletePlan as plan } from './fakes';

const api = {
  planDelete: async () => plan(),
  getPlan: async () => plan(),
  dropPlan: async () => undefined
};

function model(p: IDeletePlan): DeletePlanModel {
  return new DeletePlanModel(p, api);
}

describe('DeletePlanBody', () => {
  it('shows the URL, the counts, the sample relative to the path, and what is left out', () => {
    const body = new DeletePlanBody(model(plan()));
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

  it('does not list the hidden folder marker, and says the count includes it', () => {
    const body = new DeletePlanBody(
      model(
        plan({
          path: 'demo/empty-ish/',
          type: 'folder',
          zarr: false,
          objects: 2,
          sample: ['demo/empty-ish/.keep', 'demo/empty-ish/a.txt']
        })
      )
    );
    expect(
      Array.from(body.node.querySelectorAll('.jp-LeapBuckets-deleteSample li'))
        .filter(li => !(li as HTMLElement).hidden)
        .map(li => li.textContent)
    ).toEqual(['a.txt']);
    expect(body.node.querySelector('[data-fact="objects"]')!.textContent).toBe(
      '2, including 1 hidden folder marker (.keep)'
    );
  });

  it('says the counts are still growing while the server lists', async () => {
    const m = model(plan({ complete: false, objects: 1000 }));
    const body = new DeletePlanBody(m);
    expect(
      body.node.querySelector('[data-fact="objects"]')!.textContent
    ).toMatch(/so far, still counting/);
    api.getPlan = async () => plan({ objects: 5000 });
    await m.follow(1);
    expect(body.node.querySelector('[data-fact="objects"]')!.textContent).toBe(
      (5000).toLocaleString()
    );
  });

  it('is confirmed only once the name is typed exactly, for stores and folders', () => {
    const m = model(plan());
    const body = new DeletePlanBody(m);
    const input = body.node.querySelector('input')!;
    const type = (text: string) => {
      input.value = text;
      input.dispatchEvent(new Event('input'));
    };
    expect(m.confirmed).toBe(false);
    type('ocean.zar');
    expect(m.confirmed).toBe(false);
    type('ocean.zarr');
    expect(m.confirmed).toBe(true);
    const file = model(
      plan({
        type: 'file',
        zarr: false,
        path: 'demo/a.nc',
        objects: 1,
        sample: ['demo/a.nc']
      })
    );
    expect(new DeletePlanBody(file).node.querySelector('input')).toBeNull();
    expect(file.confirmed).toBe(true);
  });

  it('starts a single file on Cancel, so Delete then Enter does not delete it', () => {
    const file = model(
      plan({
        type: 'file',
        zarr: false,
        path: 'demo/a.nc',
        objects: 1,
        sample: ['demo/a.nc']
      })
    );
    expect(file.focus).toBe('cancel');
    const options = deleteDialogOptions(file);
    expect(options.buttons.map(b => b.label)).toEqual(['Cancel', 'Delete']);
    expect(options.buttons[options.defaultButton].label).toBe('Cancel');
    expect(options.buttons[options.defaultButton].accept).toBe(false);
    expect(options.focusNodeSelector).toBe('');
  });

  it('starts a folder or store in the name to type; Enter there deletes once it is right', () => {
    const store = model(plan());
    expect(store.focus).toBe('name');
    const options = deleteDialogOptions(store);
    expect(options.focusNodeSelector).toBe('input');
    expect(options.buttons[options.defaultButton].label).toBe('Delete');
    expect(store.confirmed).toBe(false); // the button stays off until the name is typed
  });
});

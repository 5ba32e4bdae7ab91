import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { BucketsApi } from './api';
import { addCommands } from './commands';
import { JobsModel } from './jobs';
import { BucketBrowserModel } from './model';
import { PLUGIN_ID } from './tokens';
import { BucketPanel } from './widgets/panel';

/**
 * The Buckets sidebar: browse LEAP's GCS and OSN buckets through the Jupyter server.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'A sidebar that browses cloud buckets through the Jupyter server.',
  autoStart: true,
  optional: [ISettingRegistry, ICommandPalette, ILayoutRestorer],
  activate: async (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ) => {
    const api = new BucketsApi();
    const model = new BucketBrowserModel(api);
    const jobs = new JobsModel(api);
    const panel = new BucketPanel(model, jobs);
    jobs.ended.connect((_, job) => {
      if (job.state === 'done') {
        Notification.success(`${job.label}: done.`, { autoClose: 5000 });
        void model.refresh();
      } else if (job.state === 'failed') {
        Notification.error(`${job.label}: ${job.error?.message ?? 'failed'}`, { autoClose: false });
      }
    });
    app.shell.add(panel, 'left', { rank: 110 });
    restorer?.add(panel, 'leap-buckets');
    addCommands(app, panel, palette);

    let defaultRoot = '';
    if (settingRegistry) {
      try {
        const settings = await settingRegistry.load(plugin.id);
        const apply = () => {
          model.pageSize = settings.get('pageSize').composite as number;
          model.showHidden = settings.get('showHidden').composite as boolean;
          defaultRoot = settings.get('defaultRoot').composite as string;
        };
        apply();
        settings.changed.connect(apply);
      } catch (reason) {
        console.warn('leap-buckets: settings could not be loaded', reason);
      }
    }
    await model.initialize(defaultRoot);
  }
};

export default plugin;

/**
 * A file previewed in the main area, read through the server's `object` route: an
 * image as it is, a CSV or TSV as a table of its first rows. Read-only: nothing here
 * writes anywhere.
 */
import { Widget } from '@lumino/widgets';

import {
  CSV_PREVIEW_ROWS,
  extensionOf,
  imageType,
  parseCsv
} from '../openRules';

export class FilePreview extends Widget {
  constructor(options: {
    name: string;
    url: string;
    kind: 'image' | 'csv';
    bytes: Uint8Array;
  }) {
    super();
    this.addClass('jp-LeapBuckets-filePreview');
    const { name, url, kind, bytes } = options;
    const where = document.createElement('code');
    where.className = 'jp-LeapBuckets-filePreviewUrl';
    where.textContent = url;
    this.node.appendChild(where);
    if (kind === 'image') {
      this._objectUrl = URL.createObjectURL(
        new Blob([bytes as BlobPart], { type: imageType(name) })
      );
      const img = document.createElement('img');
      img.alt = name;
      img.src = this._objectUrl;
      this.node.appendChild(img);
    } else {
      const text = new TextDecoder().decode(bytes);
      const rows = parseCsv(
        text,
        CSV_PREVIEW_ROWS + 1,
        extensionOf(name) === 'tsv' ? '\t' : ','
      );
      this.node.appendChild(Private.table(rows));
      const note = document.createElement('p');
      note.className = 'jp-LeapBuckets-filePreviewNote';
      note.textContent =
        rows.length > CSV_PREVIEW_ROWS
          ? `The first ${CSV_PREVIEW_ROWS} rows; open it with pandas for the rest.`
          : `${Math.max(0, rows.length - 1)} rows.`;
      this.node.appendChild(note);
    }
  }

  dispose(): void {
    if (this._objectUrl) {
      URL.revokeObjectURL(this._objectUrl);
    }
    super.dispose();
  }

  private _objectUrl = '';
}

namespace Private {
  /** The header row and up to CSV_PREVIEW_ROWS more, as a table. */
  export function table(rows: string[][]): HTMLTableElement {
    const table = document.createElement('table');
    rows.slice(0, CSV_PREVIEW_ROWS + 1).forEach((cells, index) => {
      const tr = document.createElement('tr');
      for (const cell of cells) {
        const td = document.createElement(index === 0 ? 'th' : 'td');
        td.textContent = cell;
        tr.appendChild(td);
      }
      table.appendChild(tr);
    });
    return table;
  }
}

import { LabIcon } from '@jupyterlab/ui-components';

const BUCKET_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M12 2C7 2 3 3.3 3 5v.3l2.2 14.6C5.4 21.1 8.4 22 12 22s6.6-.9 6.8-2.1L21 5.3V5c0-1.7-4-3-9-3zm0 2c4.1 0 6.6.9 7 1-.4.3-2.9 1-7 1s-6.6-.7-7-1c.4-.1 2.9-1 7-1zm5 15.6c-.6.3-2.5.9-5 .9s-4.4-.6-5-.9L5.2 7.3C6.9 7.8 9.3 8 12 8s5.1-.2 6.8-.7L17 19.6z"/>
  </g>
</svg>`;

const ZARR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon-contrast0" fill="#7b1fa2">
    <path d="M3 6l9-4 9 4v12l-9 4-9-4V6zm2 1.5v9.2l6 2.7V10.2L5 7.5zm8 2.7v9.2l6-2.7V7.5l-6 2.7zM6.3 6L12 8.5 17.7 6 12 3.5 6.3 6z"/>
  </g>
</svg>`;

export const bucketIcon = new LabIcon({
  name: 'leap-buckets:bucket',
  svgstr: BUCKET_SVG
});
export const zarrIcon = new LabIcon({
  name: 'leap-buckets:zarr',
  svgstr: ZARR_SVG
});

// An ice crystal: Icechunk repositories.
const ICECHUNK_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon-brand1" fill="#1976d2">
    <path d="M11 2h2v3.6l2.3-1.4 1 1.7L13 7.9v2.4l2.1-1.2V5.3h2v2.6l2.2-1.3 1 1.7-2.2 1.3 2.3 1.3-1 1.7-3.3-1.9-2.1 1.2 2.1 1.2 3.3-1.9 1 1.7-2.3 1.3 2.2 1.3-1 1.7-2.2-1.3v2.6h-2v-3.8L13 13.7v2.4l3.3 2-1 1.7-2.3-1.4V22h-2v-3.6l-2.3 1.4-1-1.7 3.3-2v-2.4l-2.1 1.2v3.8h-2v-2.6l-2.2 1.3-1-1.7 2.2-1.3-2.3-1.3 1-1.7 3.3 1.9 2.1-1.2-2.1-1.2-3.3 1.9-1-1.7 2.3-1.3-2.2-1.3 1-1.7 2.2 1.3V5.3h2v3.8l2.1 1.2V7.9L7.7 5.9l1-1.7L11 5.6V2z"/>
  </g>
</svg>`;

// A document with links out: virtual Zarr stores (references to chunks elsewhere).
const REFERENCES_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon-contrast2" fill="#00897b">
    <path d="M5 2h9l5 5v6h-2V8h-4V4H7v16h6v2H5V2z"/>
    <path d="M9 10h6v2H9zM9 14h4v2H9zM17.5 14a3.5 3.5 0 0 0-3.3 2.3l1.9.7a1.5 1.5 0 1 1 1.4 2h-1v2h1a3.5 3.5 0 0 0 0-7zM19 19.5l2.8 2.8 1.4-1.4-2.8-2.8z"/>
  </g>
</svg>`;

export const icechunkIcon = new LabIcon({
  name: 'leap-buckets:icechunk',
  svgstr: ICECHUNK_SVG
});
export const referencesIcon = new LabIcon({
  name: 'leap-buckets:virtual-zarr',
  svgstr: REFERENCES_SVG
});

/** The icon of a kind of store. */
export function storeIcon(type: 'zarr' | 'icechunk' | 'virtual-zarr'): LabIcon {
  return type === 'icechunk'
    ? icechunkIcon
    : type === 'virtual-zarr'
      ? referencesIcon
      : zarrIcon;
}

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

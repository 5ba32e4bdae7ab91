import './base.css';
import './folderPicker.css';
import './filePreview.css';
import './handoff.css';
import './osn.css';
import './usage.css';

import './base.css';
import './folderPicker.css';
import './filePreview.css';

import './base.css';
import './folderPicker.css';

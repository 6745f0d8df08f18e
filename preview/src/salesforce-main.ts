// The Salesforce side of the preview: a Lightning Experience-like shell around the real components.
// Base components expect synthetic shadow, as on the platform.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import App from 'preview/app';

const root = document.getElementById('root');
if (root === null) throw new Error('the page has no #root');
root.appendChild(createElement('preview-app', { is: App }));

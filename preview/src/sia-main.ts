// The SIA side of the preview: the Command Center page, on the SIA HTTP API.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import CommandCenterPage from 'sia/commandCenterPage';

const root = document.getElementById('root');
if (root === null) throw new Error('the page has no #root');
root.appendChild(createElement('sia-command-center-page', { is: CommandCenterPage }));

import { LightningElement } from 'lwc';
export default class CommandCenterPage extends LightningElement {}

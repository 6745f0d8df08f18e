// Base components (lightning/button, ...) and @salesforce/user|client|site|community typings.
import '@salesforce/lightning-types';

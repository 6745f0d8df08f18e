// Modules the preview build provides (preview/build/): its own components by their LWC names, and
// the components that are on a page only once they exist in force-app.
declare module 'preview/optional-components' {
  export const syncHealth: typeof import('lwc').LightningElement | null;
}
declare module 'preview/app' {
  const App: typeof import('lwc').LightningElement;
  export default App;
}
declare module 'sia/commandCenterPage' {
  const CommandCenterPage: typeof import('lwc').LightningElement;
  export default CommandCenterPage;
}

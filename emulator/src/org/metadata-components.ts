// A Metadata API deploy package (the zip `sf project deploy start` sends, in Metadata API format)
// read into components: one per package.xml member, plus the children a file carries (a
// CustomObject's fields, validation rules, list views and compact layouts; a SharingRules file's
// rules). Each component keeps its XML as a tree, its type, full name and the file it came from,
// which is what a DeployResult reports back (DeployMessage componentType, fullName, fileName).
// Folders and suffixes: https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_types_list.htm
import { list, parseDocument, text, XmlSyntaxError, type XmlNode } from './xml.ts';

export interface MetadataComponent {
  type: string;
  fullName: string;
  /** The file in the package, e.g. `objects/SIA_Sync_Error__c.object` or `lwc/siaSyncHealth`. */
  fileName: string;
  /** The component's XML (for a child component, its element inside the parent's file). */
  xml: XmlNode;
  /** A bundle's files (LightningComponentBundle), by name within the bundle. */
  files?: Record<string, string>;
}

/** A problem with one component, as DeployMessage reports it. */
export interface ComponentProblem {
  componentType: string;
  fullName: string;
  fileName: string;
  problem: string;
  lineNumber?: number;
  columnNumber?: number;
}

interface FolderType {
  type: string;
  suffix: string;
  /** Child element name → child metadata type, for types whose file carries children. */
  children?: Record<string, string>;
}

/** The metadata folders this emulator deploys, by folder name. */
export const FOLDER_TYPES: Record<string, FolderType> = {
  applications: { type: 'CustomApplication', suffix: '.app' },
  customPermissions: { type: 'CustomPermission', suffix: '.customPermission' },
  layouts: { type: 'Layout', suffix: '.layout' },
  lwc: { type: 'LightningComponentBundle', suffix: '' },
  objects: {
    type: 'CustomObject',
    suffix: '.object',
    children: {
      fields: 'CustomField',
      validationRules: 'ValidationRule',
      listViews: 'ListView',
      compactLayouts: 'CompactLayout',
    },
  },
  permissionsets: { type: 'PermissionSet', suffix: '.permissionset' },
  platformEventChannelMembers: { type: 'PlatformEventChannelMember', suffix: '.platformEventChannelMember' },
  sharingRules: {
    type: 'SharingRules',
    suffix: '.sharingRules',
    children: { sharingCriteriaRules: 'SharingCriteriaRule', sharingOwnerRules: 'SharingOwnerRule' },
  },
  standardValueSets: { type: 'StandardValueSet', suffix: '.standardValueSet' },
  tabs: { type: 'CustomTab', suffix: '.tab' },
};

/** Child type → the parent type and the element that holds it. */
const CHILD_TYPES = new Map(
  Object.values(FOLDER_TYPES).flatMap((folder) =>
    Object.entries(folder.children ?? {}).map(
      ([element, childType]) => [childType, { parent: folder.type, element }] as const,
    ),
  ),
);

export interface DeployPackage {
  /** package.xml members by type. */
  members: Map<string, string[]>;
  version: string | undefined;
  /** Every component in the package: package.xml members and the children their files carry. */
  components: MetadataComponent[];
  /** What is wrong with the package itself (members not in the zip, unreadable files). */
  problems: ComponentProblem[];
}

function readManifest(files: Map<string, string>): {
  members: Map<string, string[]>;
  version?: string | undefined;
} {
  const manifest = files.get('package.xml');
  if (manifest === undefined) throw new XmlSyntaxError('No package.xml found');
  const node = parseDocument(manifest, 'Package');
  const members = new Map<string, string[]>();
  for (const types of list(node, 'types')) {
    const name = text(types, 'name');
    if (name === undefined) continue;
    const names = list(types, 'members').map((m) => (typeof m['#text'] === 'string' ? m['#text'] : ''));
    members.set(name, [...(members.get(name) ?? []), ...names]);
  }
  return { members, version: text(node, 'version') };
}

/**
 * Reads the package's files (paths relative to the folder holding package.xml) into components.
 * Throws XmlSyntaxError when package.xml itself is missing or unreadable: the whole deploy fails.
 */
export function readDeployPackage(files: Map<string, string>): DeployPackage {
  const { members, version } = readManifest(files);
  const components: MetadataComponent[] = [];
  const problems: ComponentProblem[] = [];
  const parsedFiles = new Map<string, XmlNode | null>();
  const parseFile = (fileName: string, type: string, fullName: string): XmlNode | null => {
    const cached = parsedFiles.get(fileName);
    if (cached !== undefined) return cached;
    const body = files.get(fileName);
    let node: XmlNode | null = null;
    if (body !== undefined) {
      try {
        node = parseDocument(body, type);
      } catch (error) {
        problems.push({
          componentType: type,
          fullName,
          fileName,
          problem: `Error parsing file: ${error instanceof Error ? error.message : String(error)}`,
          ...(error instanceof XmlSyntaxError && error.line !== undefined
            ? { lineNumber: error.line, columnNumber: error.column ?? 1 }
            : {}),
        });
      }
    }
    parsedFiles.set(fileName, node);
    return node;
  };
  const notFound = (type: string, fullName: string, fileName: string): void => {
    // The platform's answer to a member with no file (seen on deploys of incomplete packages).
    problems.push({
      componentType: type,
      fullName,
      fileName,
      problem: `An object '${fullName}' of type ${type} was named in package.xml, but was not found in zipped directory`,
    });
  };
  const folderOf = (type: string): [string, FolderType] | undefined =>
    Object.entries(FOLDER_TYPES).find(([, folder]) => folder.type === type);

  const listedParents = new Set<string>();
  for (const [type, names] of members) {
    const child = CHILD_TYPES.get(type);
    for (const fullName of names) {
      if (child !== undefined) continue;
      const folder = folderOf(type);
      if (folder === undefined) {
        problems.push({
          componentType: type,
          fullName,
          fileName: 'package.xml',
          problem: `Unknown type name '${type}' specified in package.xml`,
        });
        continue;
      }
      const [folderName, folderType] = folder;
      if (type === 'LightningComponentBundle') {
        const prefix = `lwc/${fullName}/`;
        const bundleFiles = Object.fromEntries(
          [...files]
            .filter(([path]) => path.startsWith(prefix))
            .map(([path, body]) => [path.slice(prefix.length), body]),
        );
        const meta = bundleFiles[`${fullName}.js-meta.xml`];
        if (meta === undefined) {
          notFound(type, fullName, `lwc/${fullName}`);
          continue;
        }
        try {
          components.push({
            type,
            fullName,
            fileName: `lwc/${fullName}`,
            xml: parseDocument(meta, 'LightningComponentBundle'),
            files: bundleFiles,
          });
        } catch (error) {
          problems.push({
            componentType: type,
            fullName,
            fileName: `lwc/${fullName}/${fullName}.js-meta.xml`,
            problem: `Error parsing file: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
        continue;
      }
      const fileName = `${folderName}/${fullName}${folderType.suffix}`;
      if (!files.has(fileName)) {
        notFound(type, fullName, fileName);
        continue;
      }
      const node = parseFile(fileName, type, fullName);
      if (node === null) continue;
      listedParents.add(`${type}:${fullName}`);
      const own: XmlNode = {};
      for (const [key, value] of Object.entries(node)) {
        if (folderType.children?.[key] === undefined) own[key] = value;
      }
      // A CustomObject file for a standard object (objects/Activity.object) only carries children.
      if (type === 'CustomObject' || type === 'SharingRules') {
        if ((members.get(type) ?? []).includes(fullName))
          components.push({ type, fullName, fileName, xml: own });
      } else {
        components.push({ type, fullName, fileName, xml: own });
      }
    }
  }

  // Children: every child element of a listed parent's file, and every listed child member.
  const childSeen = new Set<string>();
  for (const [folderName, folderType] of Object.entries(FOLDER_TYPES)) {
    for (const [element, childType] of Object.entries(folderType.children ?? {})) {
      const listed = new Set(members.get(childType) ?? []);
      const parents = new Set([
        ...[...listed].map((name) => name.slice(0, name.indexOf('.'))),
        ...(members.get(folderType.type) ?? []),
      ]);
      for (const parent of parents) {
        const fileName = `${folderName}/${parent}${folderType.suffix}`;
        const node = files.has(fileName) ? parseFile(fileName, folderType.type, parent) : null;
        const present = new Map(
          (node === null ? [] : list(node, element)).map((child) => [text(child, 'fullName') ?? '', child]),
        );
        for (const [childName, child] of present) {
          const fullName = `${parent}.${childName}`;
          if (!listed.has(fullName) && !listedParents.has(`${folderType.type}:${parent}`)) continue;
          childSeen.add(`${childType}:${fullName}`);
          components.push({ type: childType, fullName, fileName, xml: child });
        }
        for (const fullName of listed) {
          if (!fullName.startsWith(`${parent}.`) || childSeen.has(`${childType}:${fullName}`)) continue;
          // A file that failed to parse has its problem reported already.
          if (node !== null || !files.has(fileName)) notFound(childType, fullName, fileName);
        }
      }
    }
  }
  return { members, version, components, problems };
}

export function componentKey(type: string, fullName: string): string {
  return `${type}:${fullName.toLowerCase()}`;
}

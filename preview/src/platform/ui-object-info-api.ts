// lightning/uiObjectInfoApi over the UI API: getObjectInfo and getPicklistValues.
import { fetchJson } from './fetch-json.ts';
import { objectApiNameOf, qualifiedFieldName } from './schema-ids.ts';
import { dataPath } from './session.ts';
import { RequestWireAdapter, type WireConfig } from './wire-adapter.ts';

class GetObjectInfoAdapter extends RequestWireAdapter {
  protected load(config: WireConfig): Promise<unknown> {
    const objectApiName = encodeURIComponent(objectApiNameOf(config.objectApiName));
    return fetchJson(dataPath(`/ui-api/object-info/${objectApiName}`));
  }
}

class GetPicklistValuesAdapter extends RequestWireAdapter {
  protected load(config: WireConfig): Promise<unknown> {
    const [objectApiName = '', fieldApiName = ''] = qualifiedFieldName(config.fieldApiName).split('.');
    const recordTypeId = encodeURIComponent(String(config.recordTypeId));
    return fetchJson(
      dataPath(
        `/ui-api/object-info/${encodeURIComponent(objectApiName)}/picklist-values/${recordTypeId}/${encodeURIComponent(fieldApiName)}`,
      ),
    );
  }
}

export const getObjectInfo = GetObjectInfoAdapter;
export const getPicklistValues = GetPicklistValuesAdapter;

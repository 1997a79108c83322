// The process owner's BPMN modeler: bpmn-js with the Camunda 7 moddle, a properties panel limited to
// what the engine reads, bpmnlint with the project's .bpmnlintrc while editing, and a Chinese UI.
// Exposes window.CfStudio.createModeler(options) for webui/static/js/modeler.js (the page glue).
import Modeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import lintModule from 'bpmn-js-bpmnlint';
import bpmnlintConfig from 'virtual:bpmnlint-config';

import StudioPropertiesProvider from './properties';
import { translateModule } from './translate';

const studioPropertiesModule = {
  __init__: ['studioPropertiesProvider'],
  studioPropertiesProvider: ['type', StudioPropertiesProvider]
};

/**
 * A modeler in `container` with its properties panel in `properties`.
 * departments: [{code, name}] for the department picker; locale: 'zh-CN' or 'en'.
 */
function createModeler({ container, properties, departments, locale }) {
  return new Modeler({
    container,
    propertiesPanel: { parent: properties },
    // Write each change at once: a value typed just before 保存并校验 must be in the saved diagram.
    debounceInput: false,
    linting: { bpmnlint: bpmnlintConfig, active: true },
    studio: { departments: departments || [] },
    additionalModules: [
      BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule,
      CamundaBehaviorsModule, studioPropertiesModule, lintModule, translateModule(locale)
    ],
    moddleExtensions: { camunda: camundaModdle }
  });
}

window.CfStudio = Object.assign(window.CfStudio || {}, { createModeler });

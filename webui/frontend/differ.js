// Two versions of a process side by side (bpmn-js viewers) and what changed between them
// (bpmn-js-differ). Exposes window.CfStudio.createViewer and window.CfStudio.diff.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import { diff } from 'bpmn-js-differ';

/** A read-only viewer in `container` that understands camunda:* attributes. */
function createViewer({ container }) {
  return new NavigatedViewer({ container, moddleExtensions: { camunda: camundaModdle } });
}

window.CfStudio = Object.assign(window.CfStudio || {}, { createViewer, diff });

// The properties panel, cut down to what complaintflow's engine reads (README "Diagrams"):
// name and id, department (camunda:candidateGroups, picked from processes/departments.toml), due date,
// the task form (camunda:formData), conditions on flows, timers with their kind (the `timerKind`
// property: chase / supervise), and a business rule task's decision (camunda:decisionRef).
// Runs after the Camunda Platform provider and keeps only those groups and entries.
import { is, getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';
import { SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';

const LOWEST_PRIORITY = 1;

/** Groups the engine reads; every other group (listeners, async, I/O mappings...) is dropped. */
const KEPT_GROUPS = [
  'general', 'documentation', 'timer', 'CamundaPlatform__Condition', 'CamundaPlatform__Form',
  'CamundaPlatform__FormData', 'CamundaPlatform__UserAssignment', 'CamundaPlatform__Implementation'
];
const DROPPED_GENERAL_ENTRIES = ['versionTag', 'isExecutable'];

export default function StudioPropertiesProvider(propertiesPanel, injector) {
  propertiesPanel.registerProvider(LOWEST_PRIORITY, this);
  this._injector = injector;
}
StudioPropertiesProvider.$inject = ['propertiesPanel', 'injector'];

StudioPropertiesProvider.prototype.getGroups = function(element) {
  const translate = this._injector.get('translate');
  return (groups) => groups
    .filter((group) => KEPT_GROUPS.includes(group.id))
    .map((group) => limitGroup(group, element, translate))
    .filter((group) => group !== null);
};

function limitGroup(group, element, translate) {
  if (group.id === 'general') {
    group.entries = group.entries.filter((entry) => !DROPPED_GENERAL_ENTRIES.includes(entry.id));
  } else if (group.id === 'CamundaPlatform__UserAssignment') {
    return is(element, 'bpmn:UserTask') ? assignmentGroup(group, element, translate) : null;
  } else if (group.id === 'CamundaPlatform__Implementation') {
    return is(element, 'bpmn:BusinessRuleTask') ? decisionGroup(group, element, translate) : null;
  } else if (group.id === 'timer' && is(element, 'bpmn:BoundaryEvent')) {
    group.entries = [{ id: 'timerKind', element, component: TimerKind, isEdited: isSelectEntryEdited }, ...group.entries];
  }
  return group;
}

function assignmentGroup(group, element, translate) {
  group.label = translate('Department and due date');
  group.entries = [
    { id: 'department', element, component: Department, isEdited: isSelectEntryEdited },
    ...group.entries.filter((entry) => entry.id === 'dueDate')
  ];
  return group;
}

function decisionGroup(group, element, translate) {
  group.label = translate('Decision');
  group.entries = [{ id: 'decisionRef', element, component: DecisionRef, isEdited: isTextFieldEntryEdited }];
  return group;
}

function updateAttribute(commandStack, element, name, value) {
  commandStack.execute('element.updateModdleProperties', {
    element,
    moddleElement: getBusinessObject(element),
    properties: { [name]: value || undefined }
  });
}

function Department({ element }) {
  const commandStack = useService('commandStack');
  const translate = useService('translate');
  const departments = useService('config.studio').departments || [];
  const current = getBusinessObject(element).get('camunda:candidateGroups') || '';
  const getOptions = () => {
    const options = [{ value: '', label: translate('(lane decides)') }]
      .concat(departments.map((d) => ({ value: d.code, label: d.name + ' (' + d.code + ')' })));
    if (current && !departments.some((d) => d.code === current)) {
      options.push({ value: current, label: current });
    }
    return options;
  };
  return SelectEntry({
    element,
    id: 'department',
    label: translate('Department'),
    getValue: () => current,
    setValue: (value) => updateAttribute(commandStack, element, 'camunda:candidateGroups', value),
    getOptions
  });
}

function DecisionRef({ element }) {
  const commandStack = useService('commandStack');
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  return TextFieldEntry({
    element,
    id: 'decisionRef',
    label: translate('Decision reference'),
    description: translate('The id of a decision in a .dmn file of this process.'),
    getValue: () => getBusinessObject(element).get('camunda:decisionRef') || '',
    setValue: (value) => updateAttribute(commandStack, element, 'camunda:decisionRef', value),
    debounce
  });
}

function TimerKind({ element }) {
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  const translate = useService('translate');
  return SelectEntry({
    element,
    id: 'timerKind',
    label: translate('Timer kind'),
    getValue: () => timerKindProperty(element)?.get('value') || '',
    setValue: (value) => setTimerKind(element, value, bpmnFactory, commandStack),
    getOptions: () => [
      { value: '', label: translate('(other)') },
      { value: 'chase', label: translate('Chase') },
      { value: 'supervise', label: translate('Supervise') }
    ]
  });
}

function propertiesOf(element) {
  const extensions = getBusinessObject(element).get('extensionElements');
  return extensions ? extensions.get('values').find((value) => is(value, 'camunda:Properties')) : undefined;
}

function timerKindProperty(element) {
  const properties = propertiesOf(element);
  return properties ? properties.get('values').find((p) => p.get('name') === 'timerKind') : undefined;
}

/** Writes (or removes) <camunda:property name="timerKind">, creating its containers as needed. */
function setTimerKind(element, value, bpmnFactory, commandStack) {
  const businessObject = getBusinessObject(element);
  const existing = timerKindProperty(element);
  if (existing) {
    if (value) {
      commandStack.execute('element.updateModdleProperties', { element, moddleElement: existing, properties: { value } });
    } else {
      const properties = propertiesOf(element);
      commandStack.execute('element.updateModdleProperties', {
        element, moddleElement: properties, properties: { values: properties.get('values').filter((p) => p !== existing) }
      });
    }
    return;
  }
  if (!value) {
    return;
  }
  let extensions = businessObject.get('extensionElements');
  const commands = [];
  if (!extensions) {
    extensions = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    extensions.$parent = businessObject;
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: businessObject, properties: { extensionElements: extensions } } });
  }
  let properties = propertiesOf(element);
  if (!properties) {
    properties = bpmnFactory.create('camunda:Properties', { values: [] });
    properties.$parent = extensions;
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: extensions, properties: { values: [...extensions.get('values'), properties] } } });
  }
  const property = bpmnFactory.create('camunda:Property', { name: 'timerKind', value });
  property.$parent = properties;
  commands.push({ cmd: 'element.updateModdleProperties',
    context: { element, moddleElement: properties, properties: { values: [...properties.get('values'), property] } } });
  commandStack.execute('properties-panel.multi-command-executor', commands);
}

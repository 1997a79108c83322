// A user task needs a form (camunda:formData with at least one field): the engine shows it to whoever
// works the task and stores what they enter. In the modeler the camunda moddle types the form
// (camunda:FormData.fields); the command line reads it untyped (camunda:formData.$children).
module.exports = function() {
  function fieldsOf(formData) {
    return formData.fields || (formData.$children || []).filter((c) => /formField$/i.test(c.$type));
  }

  function hasFormFields(node) {
    const extensions = node.extensionElements && node.extensionElements.values || [];
    return extensions.some((value) => /^camunda:formData$/i.test(value.$type) && fieldsOf(value).length > 0);
  }

  function check(node, reporter) {
    if (node.$type === 'bpmn:UserTask' && !hasFormFields(node)) {
      reporter.report(node.id, 'User task has no form fields');
    }
  }
  return { check };
};

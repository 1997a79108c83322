// complaintflow's bpmnlint rules, used by .bpmnlintrc (the browser modeler's bundle and `npx bpmnlint`).
// Deploy checks the same on the server (engine/bpmn/validation/structure.py and bpmn_rules.py).
module.exports = {
  configs: {
    recommended: {
      rules: {
        'supported-tasks': 'error',
        'user-task-form': 'error'
      }
    }
  }
};

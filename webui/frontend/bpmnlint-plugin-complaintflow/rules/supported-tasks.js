// Plain and manual tasks wait for no one (no inbox shows them); service, send and receive tasks are not
// run by the engine. Each is an error on its element.
const NOBODY_WORKS = ['bpmn:Task', 'bpmn:ManualTask'];
const NOT_RUN = ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:ReceiveTask'];

module.exports = function() {
  function check(node, reporter) {
    if (NOT_RUN.includes(node.$type)) {
      reporter.report(node.id, 'The engine does not run this kind of task: use a user task or a business rule task');
    } else if (NOBODY_WORKS.includes(node.$type)) {
      reporter.report(node.id, 'No one can work this task: make it a user task with a department and a form');
    }
  }
  return { check };
};

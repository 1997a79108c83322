// The decision table editor (dmn-js) for a process's .dmn files, with a Chinese UI.
// Exposes window.CfStudio.createDmnEditor(options) for webui/static/js/dmn-editor.js.
import DmnModeler from 'dmn-js/lib/Modeler';

import { translateModule } from './translate';

/** A decision table editor in `container`; locale: 'zh-CN' or 'en'. */
function createDmnEditor({ container, locale }) {
  return new DmnModeler({
    container,
    common: { additionalModules: [translateModule(locale)] }
  });
}

window.CfStudio = Object.assign(window.CfStudio || {}, { createDmnEditor });

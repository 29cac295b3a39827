/** Error codes of templates: saving (syntax, variables), rendering and sending from one. */
export const TEMPLATE_ERRORS = {
  TEMPLATE_SYNTAX_ERROR: 'The template is not valid Handlebars.',
  TEMPLATE_VARIABLE_UNKNOWN: 'The template uses a variable that does not exist (see templateVariables).',
  TEMPLATE_VARIABLE_UNDECLARED: 'The template uses a variable that is not in its declared variables.',
  TEMPLATE_HELPER_UNSUPPORTED: 'Templates may only use variables and {{#if}} / {{#unless}} blocks.',
  TEMPLATE_INACTIVE: 'This template is inactive: it cannot be rendered or sent.',
  TEMPLATE_VARIABLES_MISSING: 'Fill in every template variable before sending.',
} as const;

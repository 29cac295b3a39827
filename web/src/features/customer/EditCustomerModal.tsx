import { useState, type FormEvent } from 'react';
import { Alert, Button, Divider, Group, Modal, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle } from '@tabler/icons-react';
import { graphql, getFragmentData, type FragmentType } from '../../gql';
import type { CustomerTier, EditCustomerModal_CustomerFragment as Customer, UpdateCustomerInput } from '../../gql/graphql';
import { toUserErrors, type UserErrorView } from '../../shared/userErrors';
import { useUpdateCustomer } from './useUpdateCustomer';
import { DuplicateSuggestions } from './DuplicateSuggestions';
import { i18n, translated } from '../../i18n';
import { describeError } from '../../shared/errorMessages';

export const EditCustomerModal_customer = graphql(`
  fragment EditCustomerModal_customer on Customer {
    id
    name
    email
    phone
    companyName
    codiceFiscale
    partitaIva
    pec
    sdi
    tier
  }
`);

const TEXT_FIELDS = ['name', 'email', 'phone', 'companyName', 'codiceFiscale', 'partitaIva', 'pec', 'sdi'] as const;
type TextField = (typeof TEXT_FIELDS)[number];
type FormField = TextField | 'tier';
type FormValues = Record<TextField, string> & { tier: CustomerTier };

/** Customer tiers in the UI language. */
export const TIER_LABEL: Record<CustomerTier, string> = translated<CustomerTier>(['STANDARD', 'PREMIUM', 'BUSINESS', 'PARTNER'], 'tier');
const tierOptions = () => (Object.keys(TIER_LABEL) as CustomerTier[]).map((v) => ({ value: v, label: TIER_LABEL[v] }));

const FORM_FIELDS: ReadonlySet<string> = new Set<FormField>([...TEXT_FIELDS, 'tier']);

/** "input.partitaIva" → "partitaIva" when that is one of the form's inputs, else null. */
export function formFieldOf(path: string | null | undefined): FormField | null {
  if (!path) return null;
  const key = path.replace(/^input\./, '').split('.')[0]!;
  return FORM_FIELDS.has(key) ? (key as FormField) : null;
}

function initialValues(c: Customer): FormValues {
  return {
    name: c.name ?? '',
    email: c.email ?? '',
    phone: c.phone ?? '',
    companyName: c.companyName ?? '',
    codiceFiscale: c.codiceFiscale ?? '',
    partitaIva: c.partitaIva ?? '',
    pec: c.pec ?? '',
    sdi: c.sdi ?? '',
    tier: c.tier ?? 'STANDARD',
  };
}

/** Only the changed fields (the API leaves omitted fields as they are); an emptied field is sent as null (clears it). */
export function changedFields(before: FormValues, after: FormValues): Omit<UpdateCustomerInput, 'customerId'> {
  const input: Omit<UpdateCustomerInput, 'customerId'> = {};
  for (const f of TEXT_FIELDS) {
    const next = after[f].trim();
    if (next === before[f].trim()) continue;
    input[f] = next === '' ? null : next;
  }
  if (after.tier !== before.tier) input.tier = after.tier;
  return input;
}

/** Field labels in the UI language. */
const LABELS: Record<TextField, string> = translated<TextField>(TEXT_FIELDS, 'customer.fields');

const PLACEHOLDERS: Partial<Record<TextField, string>> = {
  phone: '+31612345678',
  get codiceFiscale() {
    return i18n.t('customer.placeholders.codiceFiscale');
  },
  get partitaIva() {
    return i18n.t('customer.placeholders.partitaIva');
  },
  pec: 'name@pec.it',
  get sdi() {
    return i18n.t('customer.placeholders.sdi');
  },
};

function EditCustomerForm({ customer, onDone }: { customer: Customer; onDone: () => void }) {
  const [initial] = useState(() => initialValues(customer));
  const [values, setValues] = useState<FormValues>(initial);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FormField, UserErrorView>>>({});
  const [formErrors, setFormErrors] = useState<UserErrorView[]>([]);
  const [update, { loading }] = useUpdateCustomer();

  const set = (f: FormField, v: string) => {
    setValues((all) => ({ ...all, [f]: v }));
    setFieldErrors((all) => ({ ...all, [f]: undefined }));
  };

  const showErrors = (errors: UserErrorView[]) => {
    const byField: Partial<Record<FormField, UserErrorView>> = {};
    const general: UserErrorView[] = [];
    for (const e of errors) {
      const f = formFieldOf(e.field);
      if (f && !byField[f]) byField[f] = e;
      else general.push(e);
    }
    setFieldErrors(byField);
    setFormErrors(general);
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!values.name.trim()) {
      showErrors([{ code: 'VALIDATION_FAILED', message: i18n.t('customer.nameRequired'), field: 'input.name' }]);
      return;
    }
    const changes = changedFields(initial, values);
    if (Object.keys(changes).length === 0) {
      onDone();
      return;
    }
    showErrors([]);
    try {
      const { data } = await update({ customerId: customer.id, ...changes });
      const errors = toUserErrors(data?.updateCustomer?.errors);
      if (errors.length > 0) {
        showErrors(errors);
        return;
      }
      notifications.show({ color: 'teal', message: i18n.t('customer.updated') });
      onDone();
    } catch (err) {
      const described = describeError(err);
      showErrors([{ code: described.code, message: i18n.t(`errors.${described.code}`) }]);
    }
  };

  const text = (f: TextField, extra: { type?: string; autoComplete?: string } = {}) => (
    <TextInput
      label={LABELS[f]}
      placeholder={PLACEHOLDERS[f]}
      value={values[f]}
      onChange={(e) => set(f, e.currentTarget.value)}
      error={fieldErrors[f]?.message}
      errorProps={fieldErrors[f] ? { 'data-error-code': fieldErrors[f]!.code } : undefined}
      data-autofocus={f === 'name' || undefined}
      {...extra}
    />
  );

  return (
    <form onSubmit={onSubmit} noValidate aria-label={i18n.t('customer.edit')}>
      <Stack gap="sm">
        {formErrors.map((err) => (
          <Alert key={err.code + err.message} color="red" variant="light" icon={<IconAlertCircle size={18} />} data-testid="customer-form-error" data-error-code={err.code}>
            {err.message}
          </Alert>
        ))}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="sm">
          {text('name', { autoComplete: 'off' })}
          {text('companyName', { autoComplete: 'off' })}
          {text('email', { type: 'email', autoComplete: 'off' })}
          {text('phone', { type: 'tel', autoComplete: 'off' })}
          <Select
            label={i18n.t('customer.tier')}
            data={tierOptions()}
            value={values.tier}
            allowDeselect={false}
            onChange={(v) => v && set('tier', v)}
            error={fieldErrors.tier?.message}
            comboboxProps={{ withinPortal: true }}
          />
        </SimpleGrid>
        <Divider label={i18n.t('customer.italianInvoicing')} labelPosition="left" />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="sm">
          {text('codiceFiscale')}
          {text('partitaIva')}
          {text('pec', { type: 'email' })}
          {text('sdi')}
        </SimpleGrid>
        <Group justify="flex-end" gap="xs" mt="xs">
          <Button variant="default" onClick={onDone} disabled={loading}>
            {i18n.t('common.cancel')}
          </Button>
          <Button type="submit" loading={loading}>
            {i18n.t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Modal form editing a customer's contact, tier and Italian invoicing data (updateCustomer), with the customer's probable duplicates to merge. */
export function EditCustomerModal(props: { customer: FragmentType<typeof EditCustomerModal_customer>; opened: boolean; onClose: () => void }) {
  const customer = getFragmentData(EditCustomerModal_customer, props.customer);
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={i18n.t('customer.edit')} size="lg">
      {/* Mounted only while open, so the form is prefilled from the current values each time. */}
      {props.opened && (
        <Stack gap="md">
          <EditCustomerForm customer={customer} onDone={props.onClose} />
          <DuplicateSuggestions customerId={customer.id} customerName={customer.name} />
        </Stack>
      )}
    </Modal>
  );
}

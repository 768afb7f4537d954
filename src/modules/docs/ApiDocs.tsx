import { escapeHtml, type Children } from '@kitajs/html';
import type {
  OpenApiDocument,
  OperationObject,
  ParameterObject,
  SchemaObject,
} from '../../platform/openapi.ts';
import { Layout } from '../../web/components/Layout.tsx';
import { m, t, type MessageKey } from '../../web/i18n/index.ts';
import type { PageContext } from '../../web/page.ts';

/**
 * The API documentation page: renders the OpenAPI document itself, so the page and
 * /api/openapi.json can never disagree. No script (the CSP forbids inline ones, and none is needed).
 */

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  op: OperationObject;
  anchor: string;
}

/** Every operation of the document, in document order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const list: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {}))
    for (const method of METHODS) {
      const op = item[method];
      if (op) list.push({ method, path, op, anchor: anchorOf(method, path) });
    }
  return list;
}

const anchorOf = (method: string, path: string) =>
  `${method}-${path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}`.toLowerCase();

const TYPE_LABELS: Record<string, MessageKey> = {
  string: 'api.docsTypeString',
  number: 'api.docsTypeNumber',
  integer: 'api.docsTypeInteger',
  boolean: 'api.docsTypeBoolean',
  object: 'api.docsTypeObject',
  null: 'api.docsTypeNull',
};

/** A schema in a few French words: « texte, 120 caractères au plus », « une valeur parmi : offer, request ». */
export function describeType(s: SchemaObject | undefined): string {
  if (!s) return t('api.docsTypeAny');
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return variants.map(describeType).join(' ou ');
  if (Array.isArray(s.type)) return s.type.map((type) => describeType({ ...s, type })).join(' ou ');
  if (s.enum) return t('api.docsOneOf', { values: s.enum.map((v) => String(v)).join(', ') });
  if (s.const !== undefined) return String(s.const);
  if (s.type === 'array') return t('api.docsListOf', { type: describeType(s.items) });
  const type = s.type && TYPE_LABELS[s.type];
  if (!type) return t('api.docsTypeAny');
  const format = s.format ? FORMAT_LABELS[s.format] : undefined;
  const parts = [t(format ?? type)];
  if (s.maxLength !== undefined) parts.push(t('api.docsMaxLength', { max: s.maxLength }));
  if (s.minimum !== undefined && s.maximum !== undefined)
    parts.push(t('api.docsRange', { min: s.minimum, max: s.maximum }));
  return parts.join(', ');
}

const FORMAT_LABELS: Record<string, MessageKey> = {
  date: 'api.docsDate',
  'date-time': 'api.docsDateTime',
  uuid: 'api.docsUuid',
};

const WHERE: Record<ParameterObject['in'], MessageKey> = {
  query: 'api.docsInQuery',
  path: 'api.docsInPath',
  header: 'api.docsInHeader',
  cookie: 'api.docsInCookie',
};

/** Quotes a word for a POSIX shell. */
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const exampleOf = (p: ParameterObject) =>
  p.example ?? p.schema?.example ?? (Array.isArray(p.schema?.examples) ? p.schema.examples[0] : undefined);

/** A `curl` command for an operation, with the example values the document gives. */
export function curlExample(
  base: string,
  { method, path, op }: Operation,
  cookies: { session: string; csrf: string },
): string {
  const params = op.parameters ?? [];
  let url = path.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const p = params.find((x) => x.in === 'path' && x.name === name);
    const example = p && exampleOf(p);
    return example === undefined ? whole : encodeURIComponent(String(example));
  });
  const query = new URLSearchParams();
  for (const p of params) {
    const example = p.in === 'query' ? exampleOf(p) : undefined;
    if (example !== undefined) for (const v of [example].flat()) query.append(p.name, String(v));
  }
  if (query.size > 0) url += `?${query}`;
  const lines = [`curl${method === 'get' ? '' : ` -X ${method.toUpperCase()}`} ${shellQuote(base + url)}`];
  if (op.security?.some((s) => 'session' in s))
    lines.push(`-b ${shellQuote(`${cookies.session}=SESSION; ${cookies.csrf}=GRAINE`)}`);
  if (op.security?.some((s) => 'csrf' in s)) lines.push(`-H ${shellQuote('x-csrf-token: JETON')}`);
  const json = op.requestBody?.content?.['application/json'];
  if (json) {
    lines.push(`-H ${shellQuote('content-type: application/json')}`);
    const body = json.example ?? json.schema?.example ?? json.schema?.examples?.[0] ?? {};
    lines.push(`--data ${shellQuote(JSON.stringify(body))}`);
  }
  return lines.join(' \\\n  ');
}

/** Text with `code` spans, as written in the document's descriptions. */
function RichText(props: { text: string }) {
  const safeHtml = props.text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part)))
    .join('');
  return <>{safeHtml}</>;
}

function Paragraphs(props: { text: string | undefined }) {
  if (!props.text) return <></>;
  return (
    <>
      {props.text.split(/\n{2,}/).map((p) => (
        <p>
          <RichText text={p} />
        </p>
      ))}
    </>
  );
}

/**
 * A box that scrolls sideways on a narrow screen: focusable and named, so that a keyboard can
 * scroll it and a screen reader announces what it holds.
 */
function ScrollRegion(props: { label: string; children: Children }) {
  return (
    <div class="table-wrapper" role="region" tabindex="0" aria-label={props.label}>
      {props.children}
    </div>
  );
}

function ParametersTable(props: { params: ParameterObject[]; label: string }) {
  return (
    <ScrollRegion label={props.label}>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{m('api.docsName')}</th>
            <th scope="col">{m('api.docsWhere')}</th>
            <th scope="col">{m('api.docsType')}</th>
            <th scope="col">{m('api.docsRequired')}</th>
            <th scope="col">{m('api.docsDescription')}</th>
          </tr>
        </thead>
        <tbody>
          {props.params.map((p) => (
            <tr>
              <th scope="row">
                <code safe>{p.name}</code>
              </th>
              <td>{m(WHERE[p.in])}</td>
              <td safe>{describeType(p.schema)}</td>
              <td>{p.required ? m('api.docsYes') : m('api.docsNo')}</td>
              <td>
                <RichText text={p.description ?? p.schema?.description ?? ''} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function BodyTable(props: { schema: SchemaObject; label: string }) {
  const required = new Set(props.schema.required ?? []);
  return (
    <ScrollRegion label={props.label}>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{m('api.docsField')}</th>
            <th scope="col">{m('api.docsType')}</th>
            <th scope="col">{m('api.docsRequired')}</th>
            <th scope="col">{m('api.docsDescription')}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(props.schema.properties ?? {}).map(([name, s]) => (
            <tr>
              <th scope="row">
                <code safe>{name}</code>
              </th>
              <td safe>{describeType(s)}</td>
              <td>{required.has(name) ? m('api.docsYes') : m('api.docsNo')}</td>
              <td>
                <RichText text={s.description ?? ''} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function ResponsesTable(props: { responses: NonNullable<OperationObject['responses']>; label: string }) {
  return (
    <ScrollRegion label={props.label}>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{m('api.docsCode')}</th>
            <th scope="col">{m('api.docsDescription')}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(props.responses).map(([code, r]) => (
            <tr>
              <th scope="row" safe>
                {code}
              </th>
              <td>
                <RichText text={r.description ?? ''} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function OperationSection(props: {
  operation: Operation;
  base: string;
  cookies: { session: string; csrf: string };
}) {
  const { operation, base, cookies } = props;
  const { method, path, op, anchor } = operation;
  const title = `${method.toUpperCase()} ${path}`;
  const body = op.requestBody?.content?.['application/json']?.schema;
  const params = op.parameters ?? [];
  return (
    <section aria-labelledby={anchor}>
      <h3 id={anchor}>
        <code safe>{title}</code>
        {op.summary ? (
          <>
            {' — '}
            <span safe>{op.summary}</span>
          </>
        ) : (
          ''
        )}
      </h3>
      <Paragraphs text={op.description} />
      {op.security && op.security.length > 0 ? <p>{m('api.docsAuth')}</p> : ''}
      {params.length > 0 ? (
        <>
          <h4>{m('api.docsParameters')}</h4>
          <ParametersTable params={params} label={`${m('api.docsParameters')} : ${title}`} />
        </>
      ) : (
        ''
      )}
      {body ? (
        <>
          <h4>{m('api.docsBody')}</h4>
          <BodyTable schema={body} label={`${m('api.docsBody')} : ${title}`} />
        </>
      ) : (
        ''
      )}
      {op.responses ? (
        <>
          <h4>{m('api.docsResponses')}</h4>
          <ResponsesTable responses={op.responses} label={`${m('api.docsResponses')} : ${title}`} />
        </>
      ) : (
        ''
      )}
      <h4>{m('api.docsExample')}</h4>
      <ScrollRegion label={t('api.docsExampleLabel', { operation: title })}>
        <pre>
          <code safe>{curlExample(base, operation, cookies)}</code>
        </pre>
      </ScrollRegion>
    </section>
  );
}

export function ApiDocsPage(props: {
  page: PageContext;
  doc: OpenApiDocument;
  cookies: { session: string; csrf: string };
}) {
  const { doc, cookies } = props;
  const base = doc.servers?.[0]?.url ?? '';
  const operations = operationsOf(doc);
  // Operations grouped by their first tag, in the document's tag order; untagged ones last.
  const tags = [...(doc.tags ?? [])];
  for (const o of operations) {
    const tag = o.op.tags?.[0] ?? '';
    if (!tags.some((x) => x.name === tag)) tags.push({ name: tag });
  }
  const groups = tags
    .map((tag) => ({
      tag,
      heading: tag.name ? tag.name.charAt(0).toUpperCase() + tag.name.slice(1) : '—',
      ops: operations.filter((o) => (o.op.tags?.[0] ?? '') === tag.name),
    }))
    .filter((g) => g.ops.length > 0);
  return (
    <Layout page={props.page} title={m('api.docsTitle')}>
      <h1>{m('api.docsTitle')}</h1>
      <p class="lead">{m('api.docsLead')}</p>
      <Paragraphs text={doc.info.description} />
      <p>
        {m('api.docsServer')} <code safe>{base}</code>
      </p>
      <p>
        <a href="/api/openapi.json">{m('api.docsJson')}</a>
        {' — '}
        <span safe>{t('api.docsVersion', { version: doc.info.version, openapi: doc.openapi })}</span>
      </p>
      <nav aria-labelledby="api-sommaire">
        <h2 id="api-sommaire">{m('api.docsContents')}</h2>
        <ul>
          {operations.map((o) => (
            <li>
              <a href={`#${o.anchor}`}>
                <code safe>{`${o.method.toUpperCase()} ${o.path}`}</code>
                {o.op.summary ? (
                  <>
                    {' — '}
                    <span safe>{o.op.summary}</span>
                  </>
                ) : (
                  ''
                )}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {groups.map(({ tag, heading, ops }) => (
        <section aria-labelledby={`tag-${tag.name || 'autres'}`}>
          <h2 id={`tag-${tag.name || 'autres'}`} safe>
            {heading}
          </h2>
          {tag.description ? <p safe>{tag.description}</p> : ''}
          {ops.map((operation) => (
            <OperationSection operation={operation} base={base} cookies={cookies} />
          ))}
        </section>
      ))}
    </Layout>
  );
}

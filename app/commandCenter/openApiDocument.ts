/**
 * The OpenAPI 3.1 description of the Command Center's JSON API and the Open311 GeoReport v2
 * endpoints, served at /api/openapi.json. test/commandCenterApi.test.ts and
 * test/open311.test.ts validate the real responses against its schemas.
 */

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...extra });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown, description: string) => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(ref('Error'), description);
/** The case list's filters, shared by /api/cases and its export. */
const CASE_FILTERS = [
  { name: 'kind', in: 'query', schema: { enum: ['permit', 'complaint'] } },
  { name: 'department', in: 'query', schema: { type: 'string' } },
  { name: 'status', in: 'query', schema: { type: 'string' } },
  { name: 'clock', in: 'query', schema: { enum: ['on_time', 'close', 'overdue', 'paused'] } },
  {
    name: 'q',
    in: 'query',
    schema: { type: 'string', maxLength: 100 },
    description: 'A tracking number (or its start), words of the description, the place, the type title',
  },
  { name: 'sort', in: 'query', schema: { enum: ['urgency', 'filed'], default: 'urgency' } },
  { name: 'lang', in: 'query', schema: { enum: ['id', 'en'] } },
];
/** An Open311 answer: the same schema as JSON and as XML (root and item element names in `xml`). */
const open311 = (schema: Record<string, unknown>, description: string) => ({
  description,
  content: { 'application/json': { schema }, 'text/xml': { schema } },
});
const open311List = (root: string, items: unknown, description: string, extra: Record<string, unknown> = {}) =>
  open311({ type: 'array', items, xml: { name: root, wrapped: true }, ...extra }, description);
const open311Error = (description: string) => open311(ref('Open311Errors'), description);
const open311FormatParameter = {
  name: 'format',
  in: 'path',
  required: true,
  schema: { enum: ['json', 'xml'] },
  description: 'application/json or text/xml; any other answers 404 in the error format',
};
/** A GeoReport v2 list parameter: comma delimited (`status=open,closed`), or repeated. */
const open311CommaList = (name: string, items: Record<string, unknown>) => ({
  name,
  in: 'query',
  style: 'form',
  explode: false,
  schema: { type: 'array', items },
  description: 'Comma delimited',
});

/** Open cases by the state of their clock (openCases.ts ClockCounts), as /api/stats gives them. */
const STATS_CLOCK_COUNTS = {
  open: { type: 'integer', minimum: 0 },
  on_time: { type: 'integer', minimum: 0 },
  close: { type: 'integer', minimum: 0 },
  overdue: { type: 'integer', minimum: 0 },
  paused: { type: 'integer', minimum: 0 },
} as const;

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'LayanKota Command Center API',
    version: '1.0.0',
    description:
      'The JSON behind the Command Center board (officers signed in with a one-time code sent by the bot), the TV wall (no personal data), live change events, and Open311 GeoReport v2 for complaints.',
  },
  servers: [{ url: '/' }],
  tags: [
    { name: 'login', description: 'One-time codes sent to the officer by the bot, and the session cookie.' },
    { name: 'board', description: 'Cases, SLA clocks and figures; what an officer sees follows their role.' },
    {
      name: 'open311',
      description:
        "Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) for complaints (pengaduan), every resource as .json or .xml. Every error, an unknown path or format under /open311 included, is the spec's error list in the format asked.",
    },
  ],
  paths: {
    '/api/openapi.json': {
      get: { summary: 'This document', responses: { '200': json({ type: 'object' }, 'The OpenAPI document') } },
    },
    '/api/login/request': {
      post: {
        tags: ['login'],
        summary: 'Ask for a sign-in code',
        description:
          'If an active officer with a linked chat account has this phone number or chat address, a 6-digit code valid for 10 minutes is sent there, bound to the challenge cookie set in this answer: only this browser can use it. At most 5 codes an hour per client and handle (then 429, for any handle), 20 per officer in all (silently); a browser the officer signed in on before (its lk_device cookie) has 5 an hour of its own, outside the 20. The answer is the same either way.',
        parameters: [{ name: 'lk_device', in: 'cookie', required: false, schema: { type: 'string' } }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref('LoginRequest') } },
        },
        responses: {
          '202': {
            ...json(ref('LoginRequested'), 'Accepted'),
            headers: {
              'Set-Cookie': {
                schema: { type: 'string' },
                description:
                  'lk_login=...; Path=/api/login; HttpOnly; SameSite=Strict; Max-Age=600 (a fresh challenge)',
              },
            },
          },
          '400': error('No handle given'),
          '429': {
            ...json(
              ref('LoginLimited'),
              'This client asked for 5 codes for this handle within the hour (the same for a handle that names no officer), or passed the per-address request limit',
            ),
            headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
          },
        },
      },
    },
    '/api/login/verify': {
      post: {
        tags: ['login'],
        summary: 'Sign in with the code',
        description:
          "Needs the challenge cookie of the request that sent the code. Five tries per challenge. Sets the HttpOnly, SameSite=Strict session cookie, clears the challenge, and marks the browser as the officer's (lk_device, 180 days, sent to /api/login only).",
        parameters: [{ name: 'lk_login', in: 'cookie', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('LoginVerify') } } },
        responses: {
          '200': {
            ...json(ref('Me'), 'Signed in'),
            headers: {
              'Set-Cookie': {
                schema: { type: 'string' },
                description: 'lk_session=...; HttpOnly; SameSite=Strict, and lk_device=...; Path=/api/login',
              },
            },
          },
          '400': error('Handle or code missing'),
          '401': error('No or unknown challenge; wrong, expired or used-up code'),
        },
      },
    },
    '/api/logout': {
      post: {
        tags: ['login'],
        summary: 'Sign out',
        description: 'Ends every session of the signed-in officer (their session version is bumped), on every device.',
        responses: { '204': { description: 'Sessions ended, cookie cleared' } },
      },
    },
    '/api/me': {
      get: {
        tags: ['login'],
        summary: 'The signed-in officer',
        security: [{ session: [] }],
        parameters: [{ name: 'lang', in: 'query', required: false, schema: { enum: ['id', 'en'] } }],
        responses: { '200': json(ref('Me'), 'Signed in'), '401': error('Not signed in') },
      },
    },
    '/api/cases': {
      get: {
        tags: ['board'],
        summary: 'Open cases with their SLA clocks, a page at a time, most urgent (or newest) first',
        description:
          'Officers and supervisors see their department, the Inspectorate and admins every department. ' +
          "Paged by keyset: pass nextCursor as cursor for the next page; a cursor keeps the first page's now, " +
          'so paging is stable while clocks move. total counts every case the filters leave.',
        security: [{ session: [] }],
        parameters: [
          ...CASE_FILTERS,
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
        ],
        responses: {
          '200': json(ref('CaseList'), 'A page of open cases'),
          '400': error('A cursor this list did not make'),
          '401': error('Not signed in'),
        },
      },
    },
    '/api/cases/export': {
      get: {
        tags: ['board'],
        summary: 'The filtered open cases as CSV or XLSX (no personal data), at most 50,000 rows',
        description:
          'Same filters as /api/cases, no paging. X-Total-Count gives the cases the filters leave, ' +
          'X-Export-Rows those in the file, X-Export-Truncated whether some were left out.',
        security: [{ session: [] }],
        parameters: [
          ...CASE_FILTERS,
          { name: 'format', in: 'query', schema: { enum: ['csv', 'xlsx'], default: 'csv' } },
        ],
        responses: {
          '200': {
            description: 'The file, as an attachment named with the date',
            content: {
              'text/csv': { schema: { type: 'string' } },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                schema: { type: 'string', contentMediaType: 'application/zip' },
              },
            },
          },
          '401': error('Not signed in'),
        },
      },
    },
    '/api/cases/{trackingNumber}/photos/{sha256}': {
      get: {
        tags: ['board'],
        summary: 'A photo of a complaint, as the citizen sent it (kept by its SHA-256)',
        description: 'Only for officers who see the case: its department, or every department.',
        security: [{ session: [] }],
        parameters: [
          { name: 'trackingNumber', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'sha256', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
        ],
        responses: {
          '200': {
            description: 'The photo',
            content: Object.fromEntries(
              ['image/jpeg', 'image/png', 'image/webp'].map((type) => [
                type,
                { schema: { type: 'string', contentMediaType: type } },
              ]),
            ),
          },
          '401': error('Not signed in'),
          '404': error('No such photo on a case the officer sees'),
        },
      },
    },
    '/api/stats': {
      get: {
        tags: ['board'],
        summary: 'Open cases by clock state, figures per department, cases per day, the complaint map',
        security: [{ session: [] }],
        parameters: [{ name: 'lang', in: 'query', schema: { enum: ['id', 'en'] } }],
        responses: { '200': json(ref('Stats'), 'Figures'), '401': error('Not signed in') },
      },
    },
    '/api/map/boundary': {
      get: {
        tags: ['board'],
        summary: "The city's outline and districts (kecamatan) under the complaint map",
        description: 'From the GeoJSON file named by `map.boundary` in city.json, checked at start.',
        security: [{ session: [] }],
        responses: {
          '200': json(ref('CityBoundary'), 'Outline and districts'),
          '401': error('Not signed in'),
          '404': error('The city configures no boundary'),
        },
      },
    },
    '/api/board/tv': {
      get: {
        tags: ['board'],
        summary: 'The TV wall: open cases by clock state, per department, and the overdue cases with their holders',
        description: 'Open without TV_WALL_TOKEN; with it, the token is required.',
        security: [{}, { tvToken: [] }],
        parameters: [
          { name: 'token', in: 'query', schema: { type: 'string' } },
          { name: 'lang', in: 'query', schema: { enum: ['id', 'en'] } },
        ],
        responses: { '200': json(ref('TvBoard'), 'The wall'), '403': error('Wrong or missing token') },
      },
    },
    '/api/events': {
      get: {
        tags: ['board'],
        summary: 'Server-sent events: `hello` on connect, `change` when cases change',
        description: 'For a signed-in officer, or the TV wall (with its token when one is set).',
        security: [{ session: [] }, { tvToken: [] }],
        parameters: [{ name: 'token', in: 'query', schema: { type: 'string' } }],
        responses: {
          '200': {
            description:
              'An event stream; each event carries {"version": n}; a change also {"departments": [...]}, the changed departments the viewer sees (a change elsewhere is not sent)',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          '401': error('Neither signed in nor the TV wall'),
          '429': {
            ...error('This officer, or this TV wall client address, holds its share of streams already'),
            headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
          },
          '503': {
            ...error("The TV wall's whole budget of streams is taken"),
            headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
          },
        },
      },
    },
    '/open311/v2/services.{format}': {
      get: {
        tags: ['open311'],
        summary: 'GET Service List: the complaint categories',
        parameters: [open311FormatParameter],
        responses: {
          '200': open311List('services', ref('Open311Service'), 'Services'),
          '404': open311Error('Unknown format'),
        },
      },
    },
    '/open311/v2/services/{service_code}.{format}': {
      get: {
        tags: ['open311'],
        summary: 'GET Service Definition',
        description:
          "Every service has metadata false (no attributes beyond the spec's own fields), so none has a definition: a known service_code answers 404 saying so, an unknown one 404 too.",
        parameters: [
          { name: 'service_code', in: 'path', required: true, schema: { type: 'string' } },
          open311FormatParameter,
        ],
        responses: { '404': open311Error('No definition: no attributes, or no such service') },
      },
    },
    '/open311/v2/requests.{format}': {
      get: {
        tags: ['open311'],
        summary: 'GET Service Requests: complaints, newest first',
        description:
          'Without dates the most recent 90 days; one date fixes one end of a 90-day span; start_date to end_date may span at most 90 days. At most 1000. service_request_id overrides every other parameter. A list parameter may also be repeated.',
        parameters: [
          open311FormatParameter,
          {
            ...open311CommaList('service_request_id', { type: 'string' }),
            description: 'Overrides all other arguments',
          },
          open311CommaList('service_code', { type: 'string' }),
          open311CommaList('status', { enum: ['open', 'closed'] }),
          { name: 'start_date', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'end_date', in: 'query', schema: { type: 'string', format: 'date-time' } },
        ],
        responses: {
          '200': open311List('service_requests', ref('Open311Request'), 'Requests'),
          '400': open311Error('A parameter is invalid'),
          '404': open311Error('Unknown format'),
        },
      },
      post: {
        tags: ['open311'],
        summary: 'POST Service Request: file a complaint',
        security: [{ open311Key: [] }],
        parameters: [open311FormatParameter],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': { schema: ref('Open311NewRequest') },
            'application/json': { schema: ref('Open311NewRequest') },
          },
        },
        responses: {
          '201': open311List('service_requests', ref('Open311Created'), 'Filed', { minItems: 1, maxItems: 1 }),
          '400': open311Error('A field is missing or invalid'),
          '403': open311Error('Missing or wrong api_key'),
          '404': open311Error('service_code is not one of services, or unknown format'),
          '413': open311Error('A body past 32 KB'),
        },
      },
    },
    '/open311/v2/requests/{id}.{format}': {
      get: {
        tags: ['open311'],
        summary: 'GET Service Request: one complaint by its tracking number',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }, open311FormatParameter],
        responses: {
          '200': open311List('service_requests', ref('Open311Request'), 'The request', { minItems: 1, maxItems: 1 }),
          '404': open311Error('No such request'),
        },
      },
    },
    '/open311/v2/tokens/{token}.{format}': {
      get: {
        tags: ['open311'],
        summary: 'GET service_request_id from a token',
        description:
          'Every service is realtime: POST answers with the service_request_id and issues no token, so every token answers 404.',
        parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }, open311FormatParameter],
        responses: { '404': open311Error('No such token') },
      },
    },
    '/api/cases/{trackingNumber}': {
      get: {
        tags: ['board'],
        summary: 'One case: holder, every clock with its deadline in city time, timeline, place and photos',
        description:
          "No contact data of the citizen. A case out of the officer's scope answers 404 as one that is not there.",
        security: [{ session: [] }],
        parameters: [
          { name: 'trackingNumber', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'lang', in: 'query', schema: { enum: ['id', 'en'] } },
        ],
        responses: {
          '200': json(
            {
              type: 'object',
              required: ['now', 'timeZone', 'timeZoneLabel', 'case'],
              properties: {
                now: { type: 'string', format: 'date-time' },
                timeZone: { type: 'string' },
                timeZoneLabel: { type: 'string' },
                case: {
                  type: 'object',
                  required: [
                    'kind',
                    'trackingNumber',
                    'title',
                    'departmentCode',
                    'status',
                    'statusLabel',
                    'holder',
                    'clocks',
                    'timeline',
                    'photos',
                  ],
                  properties: {
                    kind: { enum: ['permit', 'complaint'] },
                    trackingNumber: { type: 'string' },
                    title: { type: 'string' },
                    departmentCode: { type: 'string' },
                    departmentName: { type: 'string' },
                    status: { type: 'string' },
                    statusLabel: { type: 'string' },
                    open: { type: 'boolean' },
                    filedAt: ref('CityInstant'),
                    closedAt: { oneOf: [ref('CityInstant'), { type: 'null' }] },
                    holder: {
                      oneOf: [
                        {
                          type: 'object',
                          required: ['id', 'name'],
                          properties: { id: { type: 'string' }, name: { type: 'string' } },
                        },
                        { type: 'null' },
                      ],
                    },
                    clocks: {
                      type: 'array',
                      items: {
                        type: 'object',
                        required: ['clock', 'label', 'startedAt', 'deadlineAt', 'stoppedAt', 'state', 'slaClock'],
                        properties: {
                          clock: { enum: ['verify', 'firstResponse', 'resolve'] },
                          label: { type: 'string' },
                          startedAt: ref('CityInstant'),
                          deadlineAt: ref('CityInstant'),
                          stoppedAt: { oneOf: [ref('CityInstant'), { type: 'null' }] },
                          state: { enum: ['running', 'paused', 'stopped'] },
                          slaClock: { type: 'object', required: ['state', 'msLeft', 'fractionLeft'] },
                        },
                      },
                    },
                    timeline: {
                      type: 'array',
                      description: 'Oldest first',
                      items: {
                        type: 'object',
                        required: ['at', 'actor', 'fromStatus', 'toStatus', 'toStatusLabel', 'note'],
                        properties: {
                          at: ref('CityInstant'),
                          actor: {
                            type: 'object',
                            required: ['type', 'name'],
                            properties: {
                              type: { enum: ['citizen', 'officer', 'system'] },
                              name: nullable('string', { description: "An officer's name; a citizen is not named" }),
                            },
                          },
                          fromStatus: nullable('string'),
                          fromStatusLabel: nullable('string'),
                          toStatus: { type: 'string' },
                          toStatusLabel: { type: 'string' },
                          departmentCode: nullable('string'),
                          note: nullable('string'),
                        },
                      },
                    },
                    description: nullable('string'),
                    place: nullable('string'),
                    latitude: nullable('number'),
                    longitude: nullable('number'),
                    photos: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
            },
            'The case',
          ),
          '401': error('Not signed in'),
          '404': error('No such case the officer sees'),
        },
      },
    },
    '/api/reports': {
      get: {
        tags: ['board'],
        summary:
          'Figures over a period: filed, closed, overdue, SLA compliance, median hours to close; per department and officer; ageing of open cases',
        description:
          'City dates, both inclusive; without them the last 30 days; at most 366 days. Median hours to close leave out rejected and not-our-authority cases. Ageing buckets count open cases by whole days since filing.',
        security: [{ session: [] }],
        parameters: [
          { name: 'from', in: 'query', schema: { type: 'string', format: 'date' } },
          { name: 'to', in: 'query', schema: { type: 'string', format: 'date' } },
        ],
        responses: {
          '200': json(
            {
              type: 'object',
              required: ['now', 'from', 'to', 'timeZone', 'timeZoneLabel', 'totals', 'departments', 'officers'],
              properties: {
                now: { type: 'string', format: 'date-time' },
                city: { type: 'string' },
                timeZone: { type: 'string' },
                timeZoneLabel: { type: 'string' },
                from: { type: 'string', format: 'date' },
                to: { type: 'string', format: 'date' },
                totals: { allOf: [ref('PeriodFigures'), { type: 'object', required: ['ageing', 'filed'] }] },
                departments: {
                  type: 'array',
                  items: {
                    allOf: [ref('PeriodFigures'), { type: 'object', required: ['code', 'name', 'filed', 'ageing'] }],
                  },
                },
                officers: {
                  type: 'array',
                  items: { allOf: [ref('PeriodFigures'), { type: 'object', required: ['id', 'name'] }] },
                },
              },
            },
            'The report',
          ),
          '400': error('A date that is no date, from after to, or a period past 366 days'),
          '401': error('Not signed in'),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      session: { type: 'apiKey', in: 'cookie', name: 'lk_session' },
      tvToken: { type: 'apiKey', in: 'query', name: 'token' },
      open311Key: { type: 'apiKey', in: 'query', name: 'api_key', description: 'Also accepted as a form field.' },
    },
    schemas: {
      CityInstant: {
        type: 'object',
        required: ['at', 'text'],
        properties: {
          at: { type: 'string', format: 'date-time' },
          text: { type: 'string', description: 'In city time, with the zone label' },
        },
      },
      PeriodFigures: {
        type: 'object',
        required: ['closed', 'closedOnTime', 'overdue', 'compliancePercent', 'medianHoursToClose', 'open'],
        properties: {
          code: { type: 'string' },
          name: { type: 'string' },
          id: { type: 'string' },
          filed: { type: 'integer' },
          closed: { type: 'integer' },
          closedOnTime: { type: 'integer' },
          overdue: { type: 'integer' },
          compliancePercent: nullable('number'),
          medianHoursToClose: nullable('number'),
          open: { type: 'integer' },
          ageing: {
            type: 'object',
            required: ['0-2', '3-7', '8-14', '15-30', '>30'],
            additionalProperties: { type: 'integer' },
          },
        },
      },
      Error: {
        type: 'object',
        required: ['error', 'message'],
        additionalProperties: false,
        properties: { error: { type: 'string' }, message: { type: 'string' } },
      },
      LoginRequest: {
        type: 'object',
        required: ['handle'],
        properties: {
          handle: { type: 'string', minLength: 3, maxLength: 100, description: 'Phone number or chat address' },
        },
      },
      LoginVerify: {
        type: 'object',
        required: ['handle', 'code'],
        properties: { handle: { type: 'string' }, code: { type: 'string', pattern: '^\\d{6}$' } },
      },
      LoginRequested: {
        type: 'object',
        required: ['status', 'message'],
        additionalProperties: false,
        properties: { status: { const: 'sent' }, message: { type: 'string' } },
      },
      LoginLimited: {
        type: 'object',
        required: ['error', 'message'],
        additionalProperties: false,
        properties: {
          error: { enum: ['code_limit', 'too_many_requests'] },
          message: { type: 'string', description: 'In words, with the city time to try again' },
          retryAt: { type: 'string', format: 'date-time' },
        },
      },
      Me: {
        type: 'object',
        required: ['id', 'name', 'role', 'roleLabel', 'departmentCode', 'departmentName', 'sees'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', format: 'uuid' },
          name: { type: 'string' },
          role: { enum: ['officer', 'supervisor', 'inspectorate', 'admin'] },
          roleLabel: { type: 'string', description: "The role in the viewer's language (?lang=id|en)" },
          departmentCode: nullable('string'),
          departmentName: nullable('string'),
          sees: { enum: ['department', 'all'] },
        },
      },
      SlaClock: {
        type: 'object',
        required: ['state', 'msLeft', 'fractionLeft'],
        additionalProperties: false,
        properties: {
          state: { enum: ['on_time', 'close', 'overdue', 'paused'] },
          msLeft: { type: 'number', description: 'Negative when overdue' },
          fractionLeft: { type: 'number' },
        },
      },
      BoardCase: {
        type: 'object',
        required: [
          'kind',
          'trackingNumber',
          'title',
          'typeCode',
          'departmentCode',
          'departmentName',
          'status',
          'statusLabel',
          'startedAt',
          'deadlineAt',
          'pausedAt',
          'clock',
          'clockName',
          'clockLabel',
          'holder',
          'description',
          'place',
          'latitude',
          'longitude',
          'optedOut',
          'photos',
        ],
        additionalProperties: false,
        properties: {
          kind: { enum: ['permit', 'complaint'] },
          trackingNumber: { type: 'string', pattern: '^[PA]\\d{8}$' },
          title: { type: 'string' },
          typeCode: { type: 'string' },
          departmentCode: { type: 'string' },
          departmentName: { type: 'string' },
          status: { type: 'string' },
          statusLabel: { type: 'string' },
          startedAt: { type: 'string', format: 'date-time' },
          deadlineAt: { type: 'string', format: 'date-time' },
          pausedAt: nullable('string', { format: 'date-time' }),
          clock: ref('SlaClock'),
          clockName: {
            enum: ['verify', 'firstResponse', 'resolve'],
            description: "The clock shown: a complaint's running clock due first (SP4N-LAPOR), a permit's only one",
          },
          clockLabel: nullable('string'),
          holder: {
            oneOf: [
              {
                type: 'object',
                required: ['id', 'name'],
                additionalProperties: false,
                properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' } },
              },
              { type: 'null' },
            ],
          },
          description: nullable('string'),
          place: nullable('string'),
          latitude: nullable('number'),
          longitude: nullable('number'),
          optedOut: {
            type: 'array',
            description:
              'Channels where the citizen takes no messages (a blocked bot, an unsubscribed or STOPped number); empty for an anonymous complainant.',
            items: {
              type: 'object',
              required: ['channel', 'since', 'reason'],
              additionalProperties: false,
              properties: {
                channel: { enum: ['telegram', 'whatsapp', 'sms', 'email', 'console'] },
                since: { type: 'string', format: 'date-time' },
                reason: { enum: ['twilio-21610', 'telegram-blocked', 'sms-stop'] },
              },
            },
          },
          photos: {
            type: 'array',
            description: "The complaint's photos, each a path of GET /api/cases/{trackingNumber}/photos/{sha256}.",
            items: { type: 'string', pattern: '^/api/cases/A\\d{8}/photos/[0-9a-f]{64}$' },
          },
        },
      },
      CaseList: {
        type: 'object',
        required: ['now', 'total', 'nextCursor', 'cases'],
        additionalProperties: false,
        properties: {
          now: { type: 'string', format: 'date-time', description: 'The clocks of every page are as at this moment' },
          total: { type: 'integer', minimum: 0, description: 'Open cases the filters leave, on every page' },
          nextCursor: { type: ['string', 'null'], description: 'Null on the last page' },
          cases: { type: 'array', items: ref('BoardCase') },
        },
      },
      TvClockCounts: {
        type: 'object',
        description: 'Open cases by the state of their clock; `open` is the sum of the four states',
        required: ['open', 'on_time', 'close', 'overdue', 'paused'],
        properties: {
          open: { type: 'integer', minimum: 0 },
          on_time: { type: 'integer', minimum: 0 },
          close: { type: 'integer', minimum: 0 },
          overdue: { type: 'integer', minimum: 0 },
          paused: { type: 'integer', minimum: 0 },
        },
      },
      TvOverdueCase: {
        type: 'object',
        description:
          'An overdue case: nothing of the citizen (no name, NIK, contact, words or place); the holder is staff',
        required: [
          'trackingNumber',
          'kind',
          'title',
          'departmentCode',
          'departmentName',
          'statusLabel',
          'holder',
          'msOver',
          'deadlineAt',
          'clockName',
          'clockLabel',
        ],
        additionalProperties: false,
        properties: {
          trackingNumber: { type: 'string', minLength: 1 },
          kind: { enum: ['permit', 'complaint'] },
          title: { type: 'string' },
          departmentCode: { type: 'string' },
          departmentName: { type: 'string' },
          statusLabel: { type: 'string' },
          holder: nullable('string', { description: "The holding officer's name; null while nobody holds it" }),
          msOver: { type: 'number', minimum: 0, description: 'Milliseconds past the deadline at `now`' },
          deadlineAt: { type: 'string', format: 'date-time' },
          clockName: {
            enum: ['verify', 'firstResponse', 'resolve'],
            description: "The clock shown: a complaint's running clock due first (SP4N-LAPOR), a permit's only one",
          },
          clockLabel: nullable('string', { description: "A complaint's clock and deadline in words, in city time" }),
        },
      },
      TvBoard: {
        type: 'object',
        required: ['now', 'city', 'timeZone', 'timeZoneLabel', 'totals', 'departments', 'overdue'],
        additionalProperties: false,
        properties: {
          now: { type: 'string', format: 'date-time' },
          city: { type: 'string' },
          timeZone: { type: 'string', description: "The city's IANA time zone, e.g. Asia/Makassar" },
          timeZoneLabel: { type: 'string', description: 'How the city names its zone, e.g. WITA' },
          totals: ref('TvClockCounts'),
          departments: {
            type: 'array',
            description: 'Every department that handles permits or complaints, also with nothing open',
            items: {
              allOf: [
                ref('TvClockCounts'),
                {
                  type: 'object',
                  required: ['code', 'name'],
                  properties: { code: { type: 'string' }, name: { type: 'string' } },
                },
              ],
              unevaluatedProperties: false,
            },
          },
          overdue: {
            type: 'array',
            maxItems: 200,
            description: 'Most overdue first, at most 200; `totals.overdue` counts them all',
            items: ref('TvOverdueCase'),
          },
        },
      },
      DepartmentFigures: {
        type: 'object',
        required: [
          'code',
          'name',
          'open',
          'on_time',
          'close',
          'overdue',
          'paused',
          'closed',
          'done',
          'medianHoursToFinish',
          'satisfaction',
          'ratings',
        ],
        additionalProperties: false,
        properties: {
          code: { type: 'string' },
          name: { type: 'string', description: "The department's name in the language asked (lang)" },
          ...STATS_CLOCK_COUNTS,
          closed: { type: 'integer', minimum: 0, description: 'Cases ever closed: done, rejected, not its authority' },
          done: { type: 'integer', minimum: 0 },
          medianHoursToFinish: nullable('number', {
            minimum: 0,
            description: 'Median hours from filing to done, over done cases only (no refusals)',
          }),
          satisfaction: nullable('number', { minimum: 1, maximum: 5 }),
          ratings: { type: 'integer', minimum: 0 },
        },
      },
      Stats: {
        type: 'object',
        required: ['now', 'city', 'timeZone', 'timeZoneLabel', 'totals', 'departments', 'perDay', 'map'],
        additionalProperties: false,
        properties: {
          now: { type: 'string', format: 'date-time' },
          city: { type: 'string' },
          timeZone: { type: 'string', description: "The city's IANA time zone, e.g. Asia/Makassar" },
          timeZoneLabel: { type: 'string', description: 'How the city names its zone, e.g. WITA' },
          totals: {
            type: 'object',
            description: 'Every open case in scope by the state of its clock; open is the sum of the others',
            required: ['open', 'on_time', 'close', 'overdue', 'paused'],
            additionalProperties: false,
            properties: STATS_CLOCK_COUNTS,
          },
          departments: { type: 'array', items: ref('DepartmentFigures') },
          perDay: {
            type: 'array',
            items: {
              type: 'object',
              required: ['date', 'permits', 'complaints'],
              additionalProperties: false,
              properties: {
                date: { type: 'string', format: 'date' },
                permits: { type: 'integer', minimum: 0 },
                complaints: { type: 'integer', minimum: 0 },
              },
            },
          },
          map: {
            type: 'object',
            required: ['bounds', 'base', 'points'],
            additionalProperties: false,
            properties: {
              base: {
                type: 'object',
                description: 'What the city draws under the dots (city.json `map.boundary` and `map.tiles`)',
                required: ['boundary', 'tiles'],
                additionalProperties: false,
                properties: {
                  boundary: {
                    ...nullable('string'),
                    description: 'Where the outline is served, e.g. /api/map/boundary',
                  },
                  tiles: {
                    oneOf: [
                      {
                        type: 'object',
                        description: 'Web Mercator tiles of 256 px; the host is allowed in the CSP img-src',
                        required: ['url', 'attribution', 'maxZoom'],
                        additionalProperties: false,
                        properties: {
                          url: { type: 'string', description: 'A template with {z}, {x} and {y}' },
                          attribution: { type: 'string' },
                          maxZoom: { type: 'integer', minimum: 0, maximum: 22 },
                        },
                      },
                      { type: 'null' },
                    ],
                  },
                },
              },
              bounds: {
                oneOf: [
                  {
                    type: 'object',
                    required: ['south', 'west', 'north', 'east'],
                    additionalProperties: false,
                    properties: {
                      south: { type: 'number' },
                      west: { type: 'number' },
                      north: { type: 'number' },
                      east: { type: 'number' },
                    },
                  },
                  { type: 'null' },
                ],
              },
              points: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['trackingNumber', 'title', 'latitude', 'longitude', 'state'],
                  additionalProperties: false,
                  properties: {
                    trackingNumber: { type: 'string' },
                    title: { type: 'string' },
                    latitude: { type: 'number', minimum: -90, maximum: 90 },
                    longitude: { type: 'number', minimum: -180, maximum: 180 },
                    state: { enum: ['on_time', 'close', 'overdue', 'paused', 'closed'] },
                  },
                },
              },
            },
          },
        },
      },
      CityBoundary: {
        type: 'object',
        required: ['source', 'outline', 'districts'],
        additionalProperties: false,
        properties: {
          source: { type: 'string', description: 'Where the outline comes from' },
          outline: ref('Polygons'),
          districts: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'polygons'],
              additionalProperties: false,
              properties: { name: { type: 'string' }, polygons: ref('Polygons') },
            },
          },
        },
      },
      Polygons: {
        type: 'array',
        description: 'GeoJSON MultiPolygon coordinates: polygons of rings of [longitude, latitude]',
        items: {
          type: 'array',
          items: {
            type: 'array',
            minItems: 4,
            items: {
              type: 'array',
              prefixItems: [
                { type: 'number', minimum: -180, maximum: 180 },
                { type: 'number', minimum: -90, maximum: 90 },
              ],
              minItems: 2,
              maxItems: 2,
            },
          },
        },
      },
      Open311Service: {
        type: 'object',
        xml: { name: 'service' },
        required: ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
        additionalProperties: false,
        properties: {
          service_code: { type: 'string' },
          service_name: { type: 'string' },
          description: { type: 'string' },
          metadata: { const: false },
          type: { const: 'realtime' },
          keywords: { type: 'string' },
          group: { type: 'string' },
        },
      },
      Open311Request: {
        type: 'object',
        xml: { name: 'request' },
        description: "No personal data: neither the reporter's contact nor the free-text description or place.",
        required: [
          'service_request_id',
          'status',
          'service_code',
          'service_name',
          'agency_responsible',
          'requested_datetime',
          'updated_datetime',
          'expected_datetime',
          'lat',
          'long',
        ],
        additionalProperties: false,
        properties: {
          service_request_id: { type: 'string' },
          status: { enum: ['open', 'closed'] },
          service_code: { type: 'string' },
          service_name: { type: 'string' },
          agency_responsible: { type: 'string' },
          requested_datetime: { type: 'string', format: 'date-time' },
          updated_datetime: { type: 'string', format: 'date-time' },
          expected_datetime: { type: 'string', format: 'date-time' },
          lat: nullable('number', { description: "Rounded to the city's open311.coordinateDecimals (default 3)" }),
          long: nullable('number', { description: "Rounded to the city's open311.coordinateDecimals (default 3)" }),
        },
      },
      Open311NewRequest: {
        type: 'object',
        required: ['api_key', 'service_code', 'description'],
        properties: {
          api_key: { type: 'string' },
          service_code: { type: 'string' },
          description: { type: 'string', minLength: 10, maxLength: 4000 },
          lat: { type: ['number', 'string'] },
          long: { type: ['number', 'string'] },
          address_string: { type: 'string' },
          email: { type: 'string', format: 'email' },
          phone: { type: 'string' },
          first_name: { type: 'string' },
          last_name: { type: 'string' },
          device_id: { type: 'string' },
          account_id: { type: 'string' },
          media_url: { type: 'string' },
        },
        description: 'lat and long, or address_string, are required.',
      },
      Open311Created: {
        type: 'object',
        xml: { name: 'request' },
        required: ['service_request_id', 'service_notice', 'account_id'],
        additionalProperties: false,
        properties: {
          service_request_id: { type: 'string' },
          service_notice: { type: 'string' },
          account_id: { type: 'null' },
        },
      },
      Open311Errors: {
        type: 'array',
        minItems: 1,
        xml: { name: 'errors', wrapped: true },
        items: {
          type: 'object',
          xml: { name: 'error' },
          required: ['code', 'description'],
          additionalProperties: false,
          properties: { code: { type: 'integer' }, description: { type: 'string' } },
        },
      },
    },
  },
} as const;

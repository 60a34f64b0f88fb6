import { z } from 'zod';

/**
 * The broker-side auth hook: an external broker (EMQX 5 HTTP authentication and authorization,
 * or mosquitto-go-auth's HTTP backend in JSON mode) asks the server whether a client may connect,
 * publish or subscribe. Both brokers send these field names; other fields are ignored.
 */

/** The longest string MQTT can carry (a two-byte length). */
const MQTT_STRING_MAX = 65_535;
const mqttString = z.string().max(MQTT_STRING_MAX);

export const mqttAuthRequestSchema = z.looseObject({
  clientid: mqttString.describe('The MQTT client id; a device connects with its device id'),
  username: mqttString.describe('The device id'),
  password: mqttString.describe('The device secret'),
});
export type MqttAuthRequest = z.infer<typeof mqttAuthRequestSchema>;

export const MQTT_HOOK_ACTIONS = ['publish', 'subscribe'] as const;
export type MqttHookAction = (typeof MQTT_HOOK_ACTIONS)[number];

/**
 * mosquitto-go-auth's access values: 1 read (a message delivered to a subscriber), 2 write
 * (publish), 3 read and write, 4 subscribe.
 */
export const MOSQUITTO_ACL_ACCESS = {
  1: ['subscribe'],
  2: ['publish'],
  3: ['subscribe', 'publish'],
  4: ['subscribe'],
} as const satisfies Record<number, readonly MqttHookAction[]>;

export const mqttAclRequestSchema = z
  .looseObject({
    clientid: mqttString,
    username: mqttString,
    topic: mqttString.describe('The topic published to, or the topic filter subscribed to'),
    action: z.enum(MQTT_HOOK_ACTIONS).optional().describe('EMQX: publish or subscribe'),
    acc: z
      .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])
      .optional()
      .describe('mosquitto-go-auth: 1 read, 2 write, 3 read and write, 4 subscribe'),
  })
  .superRefine((request, context) => {
    if (request.action === undefined && request.acc === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['action'],
        message: 'send action (publish | subscribe) or acc (1 | 2 | 3 | 4)',
      });
    }
    if (
      request.action !== undefined &&
      request.acc !== undefined &&
      !(MOSQUITTO_ACL_ACCESS[request.acc] as readonly MqttHookAction[]).includes(request.action)
    ) {
      context.addIssue({ code: 'custom', path: ['acc'], message: 'disagrees with action' });
    }
  });
export type MqttAclRequest = z.infer<typeof mqttAclRequestSchema>;

/**
 * Always 200: `result` for EMQX, `ok` (and `error`) for mosquitto-go-auth's JSON response mode.
 * `is_superuser` is false for every device.
 */
export const mqttHookAnswerSchema = z.object({
  result: z.enum(['allow', 'deny']),
  ok: z.boolean(),
  is_superuser: z.boolean().optional(),
  error: z.string().optional().describe('Why the answer is deny'),
});
export type MqttHookAnswer = z.infer<typeof mqttHookAnswerSchema>;

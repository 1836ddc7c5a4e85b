/**
 * The DSSE pre-authentication encoding (DSSE protocol v1): the bytes a DSSE signature covers.
 *   PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 * LEN is the decimal byte length, type its UTF-8 bytes. Binding the type and both lengths into
 * the signed bytes is what stops a payload being read as another type.
 */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'ascii'), type, Buffer.from(` ${payload.length} `, 'ascii'), payload]);
}

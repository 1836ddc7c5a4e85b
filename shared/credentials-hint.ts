/**
 * What the desktop says when a registry wants credentials it does not have, or refused the ones
 * it got: where to give them in Signet (the Registries screen), naming the registry. The engine
 * puts the sentence into its error (RegistryClientOptions.loginHint), and the renderer finds it
 * again to offer "Add credentials" in place: both sides use this module, so the words match.
 */

export type CredentialsProblem = 'missing' | 'refused';

export function credentialsHint(registry: string, problem: CredentialsProblem): string {
  return problem === 'missing'
    ? `Add credentials for ${registry} on the Registries screen, or log in with "docker login ${registry}".`
    : `Change the credentials for ${registry} on the Registries screen.`;
}

/** The registry a message asks credentials for (by the sentence above), or null. */
export function registryNeedingCredentials(message: string): string | null {
  const m = /(?:Add|Change the) credentials for (\S+) on the Registries screen/.exec(message);
  return m ? m[1]! : null;
}

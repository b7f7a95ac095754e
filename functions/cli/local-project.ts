// The project id the CLI uses with the Pub/Sub emulator when GOOGLE_CLOUD_PROJECT is unset.
export const LOCAL_PROJECT = 'fanpulse-local';

/** 2016-01-01T00:00:00Z: expiry fields count seconds from here (docs/PROTOCOL.md 10.3). */
export const PEGASUS_EPOCH_UNIX_SEC = 1451606400;

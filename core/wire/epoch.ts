/** 2016-01-01T00:00:00Z: expiry fields count seconds from here (WIRE.md 12.4). */
export const PEGASUS_EPOCH_UNIX_SEC = 1451606400;

/** @module What a detector says about an address: the evidence a ban policy decides on. */
import type { Service } from '../core/events.js';

export type DetectorName = 'maxretry' | 'enumeration' | 'scanner' | 'compromise';

export interface Alert {
  detector: DetectorName;
  ip: string;
  service: Service;
  at: number;
  /** attack events from this address in the window that led here */
  events: number;
  /** distinct accounts they named (bounded list) */
  accounts: string[];
  /** one sentence a PBX admin can check against the log */
  reason: string;
}

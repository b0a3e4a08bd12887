/** The hook through which an in-process demo cluster (`gossip demo`) lets the dashboard kill and revive nodes. */

/** One node of an in-process demo cluster, as `GET /v1/demo` reports it. */
export interface DemoNodeStatus {
  readonly name: string;
  /** Whether the node is running (not killed). */
  readonly running: boolean;
  /** Gossip address `ip:port`. */
  readonly gossip: string;
  /** HTTP API address, while running. */
  readonly http?: string;
  /** Fingerprint of its replica (equal digests = same contents), while running. */
  readonly digest?: string;
  /** Live keys in its replica, while running. */
  readonly keys?: number;
  /** Its Lifeguard health score (0 is healthy), while running. */
  readonly healthScore?: number;
}

/** What the dashboard may do to an in-process demo cluster. */
export interface DemoControl {
  /** Every node of the demo. */
  status(): DemoNodeStatus[];
  /** Crashes a node: its sockets close without a leave message. */
  kill(name: string): Promise<void>;
  /** Restarts a killed node on the same address; it rejoins. */
  revive(name: string): Promise<void>;
}

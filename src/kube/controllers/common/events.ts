import type { Clock } from "../../../shared/clock.js";
import type { StoredObject } from "../../api/types.js";
import { EventRecorder } from "../../client/event-recorder.js";
import type { InProcessClient } from "../../client/in-process-client.js";

/** The event recorder of one controller (client-go's, with its aggregation and spam filter). */
export class ControllerEvents {
  private readonly recorder: EventRecorder;

  constructor(client: InProcessClient, clock: Clock, component: string) {
    this.recorder = new EventRecorder(client, clock, { component });
  }

  normal(about: StoredObject, reason: string, message: string): void {
    void this.recorder.event(about, "Normal", reason, message);
  }

  warning(about: StoredObject, reason: string, message: string): void {
    void this.recorder.event(about, "Warning", reason, message);
  }
}

import {
  attrInt,
  attrText,
  compileInt,
  compileText,
  partsAfterLastElement,
} from "./contentText.js";
import { type Exec, NOOP } from "./exec.js";
import type { ElementNode } from "./tree.js";

/** A child of `<System>`: sets the `WinEvent` field `parseEventXml` sets for it. */
export function compileSystem(el: ElementNode): Exec {
  const parts = partsAfterLastElement(el.children);
  switch (el.name) {
    case "Provider": {
      const name = attrText(el, "Name");
      const source = attrText(el, "EventSourceName");
      const guid = attrText(el, "Guid");
      return (b, v) => {
        b.provider = name(b, v) ?? source(b, v) ?? "";
        const g = guid(b, v);
        if (g !== undefined) b.providerGuid = g;
      };
    }
    case "EventID": {
      const int = compileInt(parts);
      return (b, v) => {
        b.eventId = int(b, v);
      };
    }
    case "Version": {
      const int = compileInt(parts);
      return (b, v) => {
        b.version = int(b, v);
      };
    }
    case "Level": {
      const int = compileInt(parts);
      return (b, v) => {
        b.level = int(b, v);
      };
    }
    case "Task": {
      const int = compileInt(parts);
      return (b, v) => {
        b.task = int(b, v);
      };
    }
    case "Opcode": {
      const int = compileInt(parts);
      return (b, v) => {
        b.opcode = int(b, v);
      };
    }
    case "EventRecordID": {
      const int = compileInt(parts);
      return (b, v) => {
        b.eventRecordId = int(b, v);
      };
    }
    case "Keywords": {
      const text = compileText(parts);
      return (b, v) => {
        b.keywords = (text(b, v) ?? "").trim();
      };
    }
    case "Channel": {
      const text = compileText(parts);
      return (b, v) => {
        b.channel = (text(b, v) ?? "").trim();
      };
    }
    case "Computer": {
      const text = compileText(parts);
      return (b, v) => {
        b.computer = (text(b, v) ?? "").trim();
      };
    }
    case "TimeCreated": {
      const time = attrText(el, "SystemTime");
      return (b, v) => {
        const t = time(b, v);
        if (t !== undefined) b.timeCreated = t;
      };
    }
    case "Execution": {
      const pid = attrInt(el, "ProcessID");
      const tid = attrInt(el, "ThreadID");
      return (b, v) => {
        b.processId = pid(b, v);
        b.threadId = tid(b, v);
      };
    }
    case "Security": {
      const user = attrText(el, "UserID");
      return (b, v) => {
        const u = user(b, v);
        if (u !== undefined) b.userId = u;
      };
    }
    default:
      return NOOP;
  }
}

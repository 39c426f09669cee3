#!/usr/bin/env node
// The CDK app (cdk.json runs it with tsx): options come from context, see infra/lib/readConfig.ts.
import { App } from "aws-cdk-lib";
import { defineApp } from "../lib/defineApp.js";

defineApp(new App());

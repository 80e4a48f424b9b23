/** @module commander, loaded the fast way (see core/commonjs.ts); the CLI's files take it from here. */
import type * as Commander from 'commander';
import { requireCommonJs } from '../core/commonjs.js';

export const { Command, CommanderError, InvalidArgumentError, Option } = requireCommonJs('commander') as typeof Commander;
export type Command = Commander.Command;

import { LineWriter, LogLevel, Logger, createLogger as createComponentLogger } from '../../common/log';

export { LOG_LEVELS } from '../../common/log';
export type { LineWriter, LogLevel, Logger } from '../../common/log';

export const createLogger = (level: LogLevel, write?: LineWriter): Logger => createComponentLogger('injector', level, write);

import { LineWriter, LogLevel, Logger, createLogger as createComponentLogger } from '../../common/log';

export { LOG_LEVELS, errorMessage } from '../../common/log';
export type { LogLevel, Logger } from '../../common/log';

export const createLogger = (level: LogLevel, write?: LineWriter): Logger => createComponentLogger('dashboard', level, write);

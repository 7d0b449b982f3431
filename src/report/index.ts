// The reporter's public surface.
export { renderReport, writeHtmlReport, REPORT_FORMATS, type ReportFormat, type TextFormat, type ReportOptions } from './render.js';
export { buildLeaderboard, type Leaderboard, type LeaderboardInput, type LeaderboardRow } from './leaderboard.js';
export { diagnoseTrial, type Flag, type FlagName } from './diagnose.js';
export { rankTrials, bestEpoch } from './rank.js';

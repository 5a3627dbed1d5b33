/**
 * The live teams: each plays for a random lifetime and is then replaced by a new team, so the
 * leaderboards see teams come and go.
 */
import { teamIdOf, teamName, TEAM_NAME_COUNT } from './names';
import { Prng } from './prng';

export interface Team {
  readonly name: string;
  readonly id: string;
  readonly memberIds: readonly string[];
  /** A robot plays half of its team's events. */
  readonly robotId: string | undefined;
  readonly createdAtMillis: number;
  readonly expiresAtMillis: number;
}

export interface TeamPoolOptions {
  readonly numLiveTeams: number;
  readonly minMembersPerTeam: number;
  readonly maxMembersPerTeam: number;
  readonly minTeamLifetimeMinutes: number;
  readonly maxTeamLifetimeMinutes: number;
  /** One team in N gets a robot; 0 = none. */
  readonly robotProbability: number;
}

export interface Player {
  readonly userId: string;
  readonly team: Team;
}

const twoDigits = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

export const userIdOf = (member: number, teamId: string): string => `USR-${twoDigits(member)}-${teamId}`;
export const robotIdOf = (robot: number, teamId: string): string => `RBT-${twoDigits(robot)}-${teamId}`;

export class TeamPool {
  private readonly teams: Team[] = [];
  private readonly liveNames = new Set<string>();
  private nextExpiry = Infinity;

  constructor(
    private readonly options: TeamPoolOptions,
    private readonly prng: Prng,
    nowMillis: number,
  ) {
    if (options.numLiveTeams * 2 > TEAM_NAME_COUNT) {
      throw new RangeError(`numLiveTeams ${options.numLiveTeams} leaves too few free team names`);
    }
    for (let i = 0; i < options.numLiveTeams; i++) this.teams.push(this.newTeam(nowMillis));
    this.updateNextExpiry();
  }

  get live(): readonly Team[] {
    return this.teams;
  }

  /** Replaces every team whose lifetime is over; returns the teams that left. */
  expire(nowMillis: number): Team[] {
    if (nowMillis < this.nextExpiry) return [];
    const gone: Team[] = [];
    for (let i = 0; i < this.teams.length; i++) {
      const team = this.teams[i];
      if (team.expiresAtMillis <= nowMillis) {
        gone.push(team);
        this.liveNames.delete(team.name);
        this.teams[i] = this.newTeam(nowMillis);
      }
    }
    this.updateNextExpiry();
    return gone;
  }

  /** A random live team, and a random player of it (its robot half of the time, if it has one). */
  pickPlayer(): Player {
    const team = this.teams[this.prng.nextInt(this.teams.length)];
    if (team.robotId !== undefined && this.prng.nextInt(2) === 0) return { userId: team.robotId, team };
    return { userId: team.memberIds[this.prng.nextInt(team.memberIds.length)], team };
  }

  private newTeam(nowMillis: number): Team {
    let name: string;
    // Bounded: at most a quarter of the names are live, so each draw succeeds with probability >= 3/4.
    for (let attempt = 0; ; attempt++) {
      name = teamName(this.prng.nextInt(TEAM_NAME_COUNT));
      if (!this.liveNames.has(name)) break;
      if (attempt > 1000) throw new Error('no free team name found');
    }
    this.liveNames.add(name);
    const id = teamIdOf(name);
    const members = this.prng.intBetween(this.options.minMembersPerTeam, this.options.maxMembersPerTeam);
    const memberIds = Array.from({ length: members }, (_, i) => userIdOf(i + 1, id));
    const hasRobot = this.options.robotProbability > 0 && this.prng.nextInt(this.options.robotProbability) === 0;
    const robotId = hasRobot ? robotIdOf(this.prng.nextInt(100), id) : undefined;
    const lifetimeMinutes = this.prng.floatBetween(this.options.minTeamLifetimeMinutes, this.options.maxTeamLifetimeMinutes);
    return {
      name,
      id,
      memberIds,
      robotId,
      createdAtMillis: nowMillis,
      expiresAtMillis: nowMillis + Math.round(lifetimeMinutes * 60000),
    };
  }

  private updateNextExpiry(): void {
    this.nextExpiry = Math.min(...this.teams.map((t) => t.expiresAtMillis));
  }
}

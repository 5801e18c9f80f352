/** The time source; tests pass a movable one, so no rule ever reads the wall clock itself. */
export type Clock = () => Date;

x ~ y
